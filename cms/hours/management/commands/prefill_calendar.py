from django.core.management.base import BaseCommand

from cms.hours.prefill import prefill
from guides import clock
from guides.calendar import last_announced_year


class Command(BaseCommand):
    help = (
        "Fill the city calendar (holidays and 调休 makeup workdays) from the `holidays` package. "
        "Days entered or changed in the admin are never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, help="years to fill (default: this year and the next)")

    def handle(self, *args, years, **options):
        this_year = clock.today().year
        years = years or [this_year, this_year + 1]
        counts = prefill(years)
        known = last_announced_year()
        self.stdout.write(
            f"Calendar {', '.join(map(str, years))}: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['removed']} removed, {counts['kept']} editor days kept."
        )
        later = [y for y in years if y > known]
        if later:
            self.stdout.write(
                f"The package knows the official arrangement up to {known}; {', '.join(map(str, later))} "
                "holds the statutory festivals only (marked estimated) until the State Council's notice is entered."
            )
