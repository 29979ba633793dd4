from django.core.management.base import BaseCommand

from cms.people import data


class Command(BaseCommand):
    help = "Erase the personal data of bookings past their retention time (settings.RETENTION; run by run_periodic)."

    def handle(self, *args, **options):
        erased = data.erase_bookings()
        if options["verbosity"] > 1:
            self.stdout.write(f"{erased} booking(s) erased")
