"""The dashboard's on-time share per centre and category (cms/hall/on_time.py): applications decided within
their committed time limit, at pinned instants, through the staff actions and the API."""

import datetime as dt

import pytest
from django.core import mail

from cms.applications.models import Application
from cms.applications.services import act
from cms.core.caller import Caller
from cms.services.models import ServiceGuidePage
from tests.cms.test_hall import (
    GUIDE,
    POLICE,
    finished_application,
    make_counter,
    make_kiosk,
    open_instant,
    take,
    window,
)
from tests.support.clock import travel

pytestmark = pytest.mark.django_db


def submitted(receipt: str, delivery="pickup") -> Application:
    application = finished_application(receipt, status="submitted", delivery=delivery)
    application.guide = ServiceGuidePage.objects.get(code=GUIDE)  # a police item: 公安服务
    if delivery == "express":
        application.centre, application.address = None, "平湖市当湖街道 1 号"
    application.save()
    return application


def test_the_share_of_applications_decided_within_the_committed_limit(client, django_user_model):
    staff = Caller.staff(django_user_model.objects.create_user("officer-zhou"))
    start, _ = open_instant()
    with travel(start):
        quick = act(submitted("R20261301"), "accept", staff)  # picked up at the city centre
        slow = act(submitted("R20261302", delivery="express"), "accept", staff)
        act(submitted("R20261303"), "accept", staff)  # still being worked: not counted
        act(submitted("R20261304"), "reject", staff, reason="不属于本机关受理范围")  # 不予受理: no limit ran
        # the express one was received at a city window: it counts there
        _, token = make_counter(1)
        take(client, {"Authorization": f"Bearer {make_kiosk()}"})
        window(client, token, "call-next")
        assert window(client, token, "application", receipt=slow.receipt).status_code == 200
    assert quick.committed_days == 5 and quick.due_date >= (start + dt.timedelta(days=5)).date()
    with travel(start + dt.timedelta(days=2)):
        act(quick, "approve", staff)  # within five working days
    with travel(start + dt.timedelta(days=20)):
        act(slow, "approve", staff)  # twenty days on: past any five working days
        answer = client.get("/api/v1/metrics")
        page = client.get("/dashboard/").content.decode()
    [police] = [q for q in answer.json()["hall"]["queues"] if q["centre"] == "city" and q["category"] == POLICE]
    assert police["applications"] == {"decided": 2, "on_time": 1, "on_time_share": 0.5}
    assert "R2026" not in answer.content.decode()  # counts only
    row = page[page.index('class="hall-figures') :]
    assert "<td>1 / 2</td>" in row and "Applications on time" not in page

    with travel(start + dt.timedelta(days=33)):  # the quick one's decision has left the last 30 days
        [police] = [q for q in client.get("/api/v1/metrics").json()["hall"]["queues"] if q["centre"] == "city"]
    assert police["applications"] == {"decided": 1, "on_time": 0, "on_time_share": 0.0}


def test_a_result_ready_for_pickup_tells_the_citizen_where(django_user_model, django_capture_on_commit_callbacks):
    """统一窗口出件: the approval's mail names the centre to collect at and its pickup window, in the language
    applied in; an express result's mail does not."""
    staff = Caller.staff(django_user_model.objects.create_user("officer-qian"))
    start, _ = open_instant()
    with travel(start):
        applications = [submitted("R20261401"), submitted("R20261402"), submitted("R20261403", delivery="express")]
        for application, language in zip(applications, ("zh-hans", "en", "zh-hans"), strict=True):
            application.email, application.language = f"{application.receipt.lower()}@example.cn", language
            application.save(update_fields=["email", "language"])
            act(application, "accept", staff)
    mail.outbox.clear()
    with travel(start + dt.timedelta(days=1)), django_capture_on_commit_callbacks(execute=True):
        for application in applications:
            act(application, "approve", staff)
    chinese, english, express = (next(m.body for m in mail.outbox if m.to == [a.email]) for a in applications)
    assert "请携带身份证和本回执到大厅统一出件窗口领取" in chinese and "平湖市行政服务中心" in chinese
    assert "ready to collect at Pinghu" in english and "the hall's pickup window." in english
    assert "统一出件" not in express and "collect" not in express
