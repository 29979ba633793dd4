from django.core.management import call_command
from django.core.management.base import BaseCommand

from guides.files import CATALOGUE_DIR, CENTRES_FILE


class Command(BaseCommand):
    help = "Set up the page tree, the demo centres, the guide catalogue and the editorial groups (idempotent)."

    def handle(self, *args, **options):
        call_command("import_centres", CENTRES_FILE, stdout=self.stdout)
        call_command("import_guides", CATALOGUE_DIR, stdout=self.stdout)
        call_command("setup_editorial", stdout=self.stdout)
        call_command("load_demo_identity", stdout=self.stdout)
