from django.core.management.base import BaseCommand

from cms.applications import drafts


class Command(BaseCommand):
    help = "Remove the kept files of website application drafts left untouched (run by run_periodic)."

    def handle(self, *args, **options):
        removed = drafts.purge()
        if options["verbosity"] > 1:
            self.stdout.write(f"{removed} abandoned draft(s) removed")
