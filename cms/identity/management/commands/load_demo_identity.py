from django.conf import settings
from django.core.management.base import BaseCommand

from cms.identity import demo


class Command(BaseCommand):
    help = "The demo identity provider's client, citizens and company (only without an external OIDC_ISSUER)."

    def handle(self, *args, **options):
        if not settings.LOCAL_IDENTITY_PROVIDER:
            self.stdout.write("OIDC_ISSUER is set: no demo identity provider.")
            return
        names = demo.load()
        self.stdout.write(f"Demo identity provider at /idp/: {', '.join(names)} (password {demo.DEMO_PASSWORD})")
