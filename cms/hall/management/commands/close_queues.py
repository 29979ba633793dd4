from django.core.management.base import BaseCommand

from cms.hall.services import close_queues


class Command(BaseCommand):
    help = "Mark tickets still waiting after their category's hours ended (or from an earlier day) as unserved."

    def handle(self, *args, verbosity, **options):
        marked = close_queues()
        if verbosity:  # run_periodic runs it each minute quietly
            self.stdout.write(f"hall: {marked} tickets left uncalled at closing")
