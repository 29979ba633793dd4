from django.core.management.base import BaseCommand

from cms.people import data


class Command(BaseCommand):
    help = (
        "Erase the personal data of bookings and applications past their retention time (settings.RETENTION, "
        "a department's archive period; run by run_periodic)."
    )

    def handle(self, *args, **options):
        erased, applications = data.erase_bookings(), data.erase_applications()
        if options["verbosity"] > 1:
            self.stdout.write(f"{erased} booking(s), {applications} application(s) erased")
