"""Rows of a Wagtail inline list written by code, in the order given."""

from collections.abc import Iterable

from wagtail.models import Orderable


def ordered(rows: Iterable[Orderable]) -> list[Orderable]:
    """Number rows in the given order: Orderable sorts by `sort_order`, and rows without one come back
    in whatever order the database likes (PostgreSQL does not keep insertion order)."""
    rows = list(rows)
    for i, row in enumerate(rows):
        row.sort_order = i
    return rows
