from django.core.management.base import BaseCommand

from cms.bookings.services import mark_no_shows


class Command(BaseCommand):
    help = "Mark bookings not checked in by the end of their slot (plus grace) as no-shows; bar repeat no-shows."

    def handle(self, *args, **options):
        marked = mark_no_shows()
        if options["verbosity"] >= 1 and marked:
            self.stdout.write(f"{marked} booking(s) marked as no-shows.")
