from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms.centres.models import CentrePage
from cms.hall.models import Counter
from cms.hall.services import category_of
from guides.refusal import Refusal


class Command(BaseCommand):
    help = "Create a window's device (or give an existing one a new token) and print its token once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the window's name, e.g. city-window-3")
        parser.add_argument("--centre", required=True, help="code of the centre the window is in")
        parser.add_argument("--window", type=int, required=True, help="the window's number in the hall")
        parser.add_argument(
            "--category", nargs="+", required=True, help="the categories it serves: slugs (police) or Chinese names"
        )
        parser.add_argument(
            "--pickup", action="store_true", help="the centre's pickup window (统一出件): hands finished results over"
        )

    @transaction.atomic
    def handle(self, *args, name, centre, window, category, pickup, **options):
        centre_page = CentrePage.objects.filter(code=centre).first()
        if centre_page is None:
            raise CommandError(f"no centre with code {centre!r}")
        try:
            categories = [category_of(value).value for value in category]
        except Refusal as refusal:
            raise CommandError(f"{refusal.message}: {category}") from None
        counter = Counter.objects.filter(name=name).first() or Counter(name=name)
        clash = Counter.objects.filter(centre=centre_page, number=window).exclude(pk=counter.pk).first()
        if clash is not None:
            raise CommandError(f"window {window} at {centre} is already {clash.name!r}")
        counter.centre, counter.number, counter.categories = centre_page, window, categories
        counter.pickup = pickup
        counter.revoked_at = None
        token = counter.issue_token()
        counter.save()
        # The token alone on stdout, so scripts can capture it; it is not stored and not shown again.
        self.stdout.write(token)
        self.stderr.write(
            f"Window {counter.number} ({counter.name!r}): store this token in its device; shown only once."
        )
