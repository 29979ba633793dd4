"""The dashboard's on-time share (按时办结率) per centre and window category: of the applications decided in
the last days, how many were decided by their due date — the committed time limit (承诺时限, in working days
from acceptance, extended by the days the clock was paused for a supplement; DESIGN.md glossary), not the
longer statutory one. Counts only; no receipts, no people.

An application counts for the centre it is picked up at, or else the centre whose window received it (its
first hall ticket); its category is its guide's window category. One not yet accepted has no time limit
running (e.g. 不予受理 at the door) and does not count."""

import datetime as dt

from cms.applications.enums import ApplicationStatus
from cms.applications.models import StatusChange
from cms.hall.models import Ticket
from guides import clock
from guides.enums import WindowCategory
from guides.hours import TZ

DECIDED = (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)


def on_time_figures(days: int, now: dt.datetime | None = None) -> dict[tuple[str, str], dict]:
    """{(centre code, category): {"decided", "on_time", "on_time_share"}} over the last `days` days."""
    now = now or clock.now()
    decisions = (
        StatusChange.objects.filter(
            to_status__in=DECIDED, at__gt=now - dt.timedelta(days=days), application__due_date__isnull=False
        )
        .exclude(from_status__in=DECIDED)
        .values_list(
            "application_id", "at", "application__due_date", "application__centre__code", "application__guide__category"
        )
    )
    decided = {}
    for application_id, at, due, centre, category in decisions:
        decided[application_id] = (at.astimezone(TZ).date() <= due, centre, category)  # the latest decision
    received = {}  # the centre and category of the window that received it, for those picked up nowhere
    for application_id, centre, category in (
        Ticket.objects.filter(application_id__in=list(decided))
        .order_by("-issued_at")
        .values_list("application_id", "centre__code", "category")
    ):
        received[application_id] = (centre, category)  # the earliest ticket wins
    groups: dict[tuple[str, str], dict] = {}
    for application_id, (on_time, centre, category) in decided.items():
        window_centre, window_category = received.get(application_id, (None, None))
        key = (centre or window_centre, category or window_category)
        if None in key:
            continue  # decided, but at no centre of ours
        group = groups.setdefault(key, {"decided": 0, "on_time": 0})
        group["decided"] += 1
        group["on_time"] += on_time
    for group in groups.values():
        group["on_time_share"] = round(group["on_time"] / group["decided"], 3)
    return groups


def with_on_time(queues: list[dict], days: int, now: dt.datetime | None = None) -> list[dict]:
    """The hall's queue figures, each with its `applications` on-time figures (zero when none were decided);
    a centre and category with decided applications but no tickets gets a row of its own."""
    figures = on_time_figures(days, now)
    none = {"decided": 0, "on_time": 0, "on_time_share": None}
    rows = [q | {"applications": figures.pop((q["centre"], q["category"]), none)} for q in queues]
    for (centre, category), figure in sorted(figures.items()):
        rows.append(
            {
                "centre": centre,
                "category": category,
                "category_en": WindowCategory(category).label_en,
                "issued": 0,
                "served": 0,
                "no_shows": 0,
                "unserved": 0,
                "wait_minutes": {"mean": None, "p90": None},
                "service_minutes": {"mean": None, "p90": None},
                "applications": figure,
            }
        )
    return rows
