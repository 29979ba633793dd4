"""`GET /api/v1/changes?since=`: what changed after a cursor, oldest first, for kiosks and replicas."""

import datetime as dt

from django.db.models import Max
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from cms.changes.models import Change
from cms.core.errors import ErrorBody
from cms.core.etag import etag
from guides.refusal import Refusal, Text

router = Router(tags=["changes"])


class ChangeItem(Schema):
    cursor: str
    kind: str
    key: str
    action: str
    at: dt.datetime


class ChangeList(Schema):
    items: list[ChangeItem]
    count: int = Field(description="changes after `since` in all; more than `items` when `more` is true")
    cursor: str = Field(description="pass as `since` next time")
    more: bool


class ChangeFilters(Schema):
    since: str = Field("", max_length=20, description="the `cursor` of a previous answer; empty for everything")
    limit: int = Field(500, ge=1, le=1000)


def _since(value: str) -> int:
    if value.strip() == "":
        return 0
    if not value.strip().isdigit():
        raise Refusal(
            400,
            "invalid",
            "游标无效",
            "invalid cursor",
            {"since": Text("应为上次应答给出的游标", "a cursor from a previous answer")},
        )
    return int(value)


@router.get("", response={200: ChangeList, 400: ErrorBody, 409: ErrorBody})
@etag
def list_changes(request, filters: Query[ChangeFilters]):
    since = _since(filters.since)
    if since and since > (Change.objects.aggregate(last=Max("id"))["last"] or 0):
        # A cursor from another database (restored or reset): the replica must start again.
        raise Refusal(
            409,
            "cursor_unknown",
            "游标不属于本服务器，请从头同步",
            "unknown cursor: sync again from the start",
            {"since": Text("不带游标即可全部同步", "omit it to sync everything")},
        )
    after = Change.objects.filter(id__gt=since)
    count = after.count()
    rows = list(after.order_by("id")[: filters.limit])
    items = [
        {
            "cursor": str(c.id),
            "kind": c.kind,
            "key": c.key,
            "action": c.action,
            "at": timezone.localtime(c.at),
        }
        for c in rows
    ]
    return {
        "items": items,
        "count": count,
        "cursor": str(rows[-1].id if rows else since),
        "more": count > len(rows),
    }
