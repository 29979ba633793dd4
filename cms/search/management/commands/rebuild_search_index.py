import os
import time

from django.core.management.base import BaseCommand

from cms.search import service


class Command(BaseCommand):
    help = "Rebuild the search index from every live guide (with --if-needed: only if it is missing or broken)."
    requires_system_checks = []  # `make setup` and the periodic upkeep run it; `manage.py check` runs elsewhere

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-needed",
            action="store_true",
            help="only rebuild a missing or unreadable index; otherwise just apply queued changes (cheap)",
        )
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes analysing guides")

    def handle(self, *args, if_needed, workers, **options):
        index = service.index()
        if if_needed and index.exists():
            try:
                count = index.doc_count()
            except service.IndexUnavailable:
                pass
            else:
                applied = index.apply_pending()
                if options["verbosity"] > 1 or applied:
                    self.stdout.write(f"search index current: {count} guides, {applied} queued changes applied")
                return
        start = time.monotonic()
        count = service.rebuild(workers=workers)
        self.stdout.write(f"search index rebuilt: {count} guides in {time.monotonic() - start:.1f} s")
