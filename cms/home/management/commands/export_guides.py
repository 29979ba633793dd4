from pathlib import Path

from django.core.management.base import BaseCommand

from cms.home.catalogue import export_guides


class Command(BaseCommand):
    help = "Write every guide to DIR as <code>.yaml, in the catalogue format."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory, **options):
        self.stdout.write(f"exported {export_guides(directory)} guides to {directory}")
