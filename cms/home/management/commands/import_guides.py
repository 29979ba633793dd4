from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.home.catalogue import import_guides
from guides.validate import InvalidGuide


class Command(BaseCommand):
    help = "Create or update guides by code from catalogue YAML files or directories (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args, paths, **options):
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"找不到文件 / no such file: {', '.join(missing)}")
        try:
            counts = import_guides(paths)
        except InvalidGuide as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.problems)} 个问题，未导入任何指南 / problems found, nothing was imported"
            ) from None
        self.stdout.write(
            f"guides: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
        )
