from django.core.management.base import BaseCommand

from cms.core import counters


class Command(BaseCommand):
    help = "Remove expired rate-limit counters and claims from the database (Redis expires its own)."

    def handle(self, *args, **options):
        removed = counters.purge()
        if options["verbosity"] > 1:
            self.stdout.write(f"{removed} expired counters removed")
