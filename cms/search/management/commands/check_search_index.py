from django.core.management.base import BaseCommand, CommandError

from cms.search import service


class Command(BaseCommand):
    help = (
        "Compare the search index with the database; exit 1 if they differ (fix: rebuild_search_index). "
        "A guide changed in the last ALLOWED_LAG seconds is not counted: another node's index follows it."
    )
    requires_system_checks = []  # run by cron and monitoring: the answer must not depend on unrelated checks

    def handle(self, *args, **options):
        try:
            diff = service.differences(lag=service.ALLOWED_LAG)
        except service.IndexUnavailable as exc:
            raise CommandError(f"搜索索引缺失或损坏 / search index missing or unreadable: {exc}") from exc
        labels = {
            "missing": "索引中缺少 / live guides missing from the index",
            "stale": "索引内容过期 / indexed content out of date",
            "extra": "索引中多余 / indexed guides that are not live",
        }
        problems = 0
        for key, codes in diff.items():
            if codes:
                problems += len(codes)
                self.stdout.write(
                    f"{labels[key]}: {len(codes)}: {', '.join(codes[:20])}{' …' if len(codes) > 20 else ''}"
                )
        if problems:
            raise CommandError(f"搜索索引与数据库不一致 / search index differs from the database in {problems} guides")
        self.stdout.write(f"search index matches the database: {service.index().doc_count()} guides")
