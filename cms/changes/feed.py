"""Recording changes for the feed: the one interface other apps call (DESIGN.md §8.5)."""

from django.db import connection, transaction

from cms.changes.models import Change, ChangeAction, ChangeKind


def record_change(kind: ChangeKind | str, key: str, action: ChangeAction | str) -> Change:
    """Append an entry in the caller's transaction, so it exists exactly when the change does.

    Readers page by id, so ids must become visible in order. SQLite has one writer at a time; on
    PostgreSQL two transactions could commit ids out of order and a reader could skip the lower one,
    so writers queue on a table lock held to commit (publishing is rare; readers are not blocked).
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'LOCK TABLE "{Change._meta.db_table}" IN EXCLUSIVE MODE')
        return Change.objects.create(kind=ChangeKind(kind), key=key, action=ChangeAction(action))
