from django.core.management.base import BaseCommand

from cms.applications.services import mark_supplements_overdue


class Command(BaseCommand):
    help = "Mark applications whose 容缺 supplement deadline has passed as 'supplement overdue'."

    def handle(self, *args, **options):
        marked = mark_supplements_overdue()
        if options["verbosity"] >= 1 and marked:
            self.stdout.write(f"{marked} application(s) marked supplement overdue.")
