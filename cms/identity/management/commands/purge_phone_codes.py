from django.core.management.base import BaseCommand

from cms.identity import codes


class Command(BaseCommand):
    help = "Remove expired one-time phone codes (run by run_periodic)."

    def handle(self, *args, **options):
        removed = codes.purge()
        if options["verbosity"] > 1:
            self.stdout.write(f"{removed} expired code(s) removed")
