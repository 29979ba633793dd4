from django.core.management.base import BaseCommand

from cms.bookings.services import send_reminders


class Command(BaseCommand):
    help = "E-mail each booking's holder once, the configured hours before the slot (in their language)."

    def handle(self, *args, **options):
        sent = send_reminders()
        if options["verbosity"] >= 1 and sent:
            self.stdout.write(f"{sent} reminder(s) sent.")
