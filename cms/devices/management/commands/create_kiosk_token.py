from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms.centres.models import CentrePage
from cms.devices.models import KioskDevice


class Command(BaseCommand):
    help = "Create a kiosk device (or give an existing one a new token) and print its token once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the kiosk's name, e.g. city-hall-1")
        parser.add_argument("--centre", help="code of the centre it stands in (check-ins only for that centre)")

    @transaction.atomic
    def handle(self, *args, name, centre, **options):
        centre_page = None
        if centre:
            centre_page = CentrePage.objects.filter(code=centre).first()
            if centre_page is None:
                raise CommandError(f"no centre with code {centre!r}")
        device = KioskDevice.objects.filter(name=name).first() or KioskDevice(name=name)
        if centre_page is not None:
            device.centre = centre_page
        device.revoked_at = None
        token = device.issue_token()
        device.save()
        # The token alone on stdout, so scripts can capture it; it is not stored and not shown again.
        self.stdout.write(token)
        self.stderr.write(f"Kiosk {device.name!r}: store this token in the kiosk's settings; it is shown only once.")
