from django.core.management.base import BaseCommand
from django.db import transaction

from cms.centres.models import CentrePage
from cms.hall.models import Counter
from cms.hall.roles import ensure_hall_groups
from guides.enums import WindowCategory


class Command(BaseCommand):
    help = (
        "Create the hall's groups (clerks, volunteers, centre leads); with --demo, one window per category at the "
        "city centre, printing the token of each window it creates (idempotent: existing windows keep theirs)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="demo windows at the city centre")

    @transaction.atomic
    def handle(self, *args, demo, **options):
        groups = ensure_hall_groups()
        self.stderr.write(f"hall: {len(groups)} groups")
        city = CentrePage.objects.filter(code="city").first()
        if not demo or city is None:
            return
        for number, category in enumerate(WindowCategory, start=1):
            name = f"city-window-{number}"
            if Counter.objects.filter(name=name).exists():
                continue
            counter = Counter(name=name, centre=city, number=number, categories=[category.value])
            token = counter.issue_token()
            counter.save()
            self.stdout.write(f"{name}\t{number}\t{category.slug}\t{token}")
