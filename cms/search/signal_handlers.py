"""Keep the search index true: publish, unpublish, move and delete of a guide, and synonym edits.

Changed codes are collected and applied once the transaction commits: an import of 44 guides is
one index commit, and the index is only ever brought in line with committed data."""

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.home.catalogue import guides_created
from cms.search import service
from cms.search.models import Synonym
from cms.services.models import ServiceGuidePage
from guides.search.synonyms import catalogue_synonyms

_pending = threading.local()


def _changed(code: str) -> None:
    _pending.__dict__.setdefault("codes", set()).add(code)
    transaction.on_commit(_flush)


def _flush() -> None:
    """The first callback after a commit syncs every code collected; the others find nothing left.
    Codes of a rolled-back transaction stay and are synced with the next commit: sync reads the
    database, so that is still right."""
    codes = getattr(_pending, "codes", None)
    if codes:
        _pending.codes = set()
        service.sync(codes)


def on_publish(sender, instance, **kwargs):
    _changed(instance.code)


def on_unpublish(sender, instance, **kwargs):
    _changed(instance.code)


def on_move(sender, instance, **kwargs):
    code = ServiceGuidePage.objects.filter(pk=instance.pk).values_list("code", flat=True).first()
    if code:
        _changed(code)


def on_delete(sender, instance, **kwargs):
    _changed(instance.code)


def on_synonyms_changed(sender, **kwargs):
    transaction.on_commit(lambda: service.index().set_synonyms(service.synonym_rows()))


def seed_synonyms(sender, guides, **kwargs) -> None:
    """Synonyms from new guides' own keywords and FAQ (guides/search/synonyms.py), when first imported."""
    for term, official in catalogue_synonyms(guides):
        Synonym.objects.get_or_create(term=term, official=official)


def connect() -> None:
    guides_created.connect(seed_synonyms, dispatch_uid="search-seed-synonyms")
    page_published.connect(on_publish, sender=ServiceGuidePage, dispatch_uid="search-publish")
    page_unpublished.connect(on_unpublish, sender=ServiceGuidePage, dispatch_uid="search-unpublish")
    post_page_move.connect(on_move, sender=ServiceGuidePage, dispatch_uid="search-move")
    post_delete.connect(on_delete, sender=ServiceGuidePage, dispatch_uid="search-delete")
    post_save.connect(on_synonyms_changed, sender=Synonym, dispatch_uid="search-synonym-save")
    post_delete.connect(on_synonyms_changed, sender=Synonym, dispatch_uid="search-synonym-delete")
