"""Publishing, unpublishing or deleting a guide or centre appends an entry to the change feed."""

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished

from cms.centres.models import CentrePage
from cms.changes.feed import record_change
from cms.changes.models import ChangeAction, ChangeKind
from cms.services.models import ServiceGuidePage

KINDS = {ServiceGuidePage: ChangeKind.GUIDE, CentrePage: ChangeKind.CENTRE}


def _published(sender, instance, **kwargs):
    record_change(KINDS[sender], instance.code, ChangeAction.PUBLISHED)


def _unpublished(sender, instance, **kwargs):
    record_change(KINDS[sender], instance.code, ChangeAction.UNPUBLISHED)


def _deleted(sender, instance, **kwargs):
    # Only pages a replica can hold: a draft that never went live was never in the feed.
    if instance.first_published_at is not None:
        record_change(KINDS[sender], instance.code, ChangeAction.DELETED)


def connect() -> None:
    for model in KINDS:
        page_published.connect(_published, sender=model, dispatch_uid=f"changes-published-{model.__name__}")
        page_unpublished.connect(_unpublished, sender=model, dispatch_uid=f"changes-unpublished-{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"changes-deleted-{model.__name__}")
