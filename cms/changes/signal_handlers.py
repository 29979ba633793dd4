"""Publishing, unpublishing or deleting a guide or centre appends an entry to the change feed; so does any
change of hours (the city calendar, a closure, a centre's hour rules), so kiosks see a new closure within
seconds. An hours entry names the centre, or `calendar` for a city-wide day; it always means "fetch again"."""

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished

from cms.centres.models import CentrePage
from cms.changes.feed import record_change
from cms.changes.models import ChangeAction, ChangeKind
from cms.hours.signals import hours_changed
from cms.services.models import ServiceGuidePage

CALENDAR_KEY = "calendar"
KINDS = {ServiceGuidePage: ChangeKind.GUIDE, CentrePage: ChangeKind.CENTRE}


def _published(sender, instance, **kwargs):
    record_change(KINDS[sender], instance.code, ChangeAction.PUBLISHED)


def _unpublished(sender, instance, **kwargs):
    record_change(KINDS[sender], instance.code, ChangeAction.UNPUBLISHED)


def _deleted(sender, instance, **kwargs):
    # Only pages a replica can hold: a draft that never went live was never in the feed.
    if instance.first_published_at is not None:
        record_change(KINDS[sender], instance.code, ChangeAction.DELETED)


def _hours_changed(sender, centre_ids=None, **kwargs):
    if centre_ids is None:
        record_change(ChangeKind.HOURS, CALENDAR_KEY, ChangeAction.PUBLISHED)
        return
    for code in CentrePage.objects.filter(pk__in=centre_ids).values_list("code", flat=True).order_by("code"):
        record_change(ChangeKind.HOURS, code, ChangeAction.PUBLISHED)


def connect() -> None:
    hours_changed.connect(_hours_changed, dispatch_uid="changes-hours")
    for model in KINDS:
        page_published.connect(_published, sender=model, dispatch_uid=f"changes-published-{model.__name__}")
        page_unpublished.connect(_unpublished, sender=model, dispatch_uid=f"changes-unpublished-{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"changes-deleted-{model.__name__}")
