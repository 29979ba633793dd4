"""One rule on every channel: each write and lookup is held to the same limits through the API and the website
(the kiosk is the API with a device token). A limit answers 429 with `Retry-After`: the API in its error shape,
the website with a page in the site's style that says when to try again.
"""

import uuid
from dataclasses import dataclass

import pytest
from django.test import Client

from cms.applications.models import Application
from cms.bookings.models import Booking
from cms.centres.models import CentrePage
from cms.core.models import LookupLock
from cms.devices.models import KioskDevice
from tests.cms.test_applications import delivery_for, files_for, form_of, person
from tests.support.applications import apply_on_website
from tests.support.bookings import CONSENT, id_number

pytestmark = pytest.mark.django_db

GUIDE, CATEGORY = "330482-GA-001", "公安服务"
APPLY = "330482-GA-004"  # with a deferrable material: waits for a supplement once submitted without it


@dataclass
class Answer:
    status: int
    retry_after: int | None
    text: str

    @classmethod
    def of(cls, response) -> "Answer":
        retry = response.get("Retry-After")
        return cls(response.status_code, int(retry) if retry else None, response.content.decode())


class Api:
    """The HTTP API, as a program or a website script calls it (the kiosk adds its token)."""

    name = "api"

    def __init__(self, client: Client, address: str):
        self.client, self.address = client, address

    def book(self, slot, n: int) -> Answer:
        body = {
            "slot": slot.pk,
            "guide": GUIDE,
            "name": "张三",
            "phone": "13812345678",
            "id_number": id_number(n),
            **CONSENT,
        }
        return Answer.of(
            self.client.post(
                "/api/v1/bookings",
                body,
                content_type="application/json",
                headers={"Idempotency-Key": f"k-{uuid.uuid4()}"},
                REMOTE_ADDR=self.address,
            )
        )

    def look_up(self, code: str, id_no: str) -> Answer:
        return Answer.of(
            self.client.get(f"/api/v1/bookings/{code}", headers={"X-Id-Number": id_no}, REMOTE_ADDR=self.address)
        )

    def cancel(self, code: str, id_no: str) -> Answer:
        return Answer.of(
            self.client.delete(f"/api/v1/bookings/{code}", headers={"X-Id-Number": id_no}, REMOTE_ADDR=self.address)
        )

    def reschedule(self, code: str, id_no: str, slot) -> Answer:
        return Answer.of(
            self.client.post(
                f"/api/v1/bookings/{code}/reschedule",
                {"slot": slot.pk, "id_number": id_no},
                content_type="application/json",
                REMOTE_ADDR=self.address,
            )
        )

    def apply(self, data: dict) -> Answer:
        return Answer.of(self.client.post("/api/v1/applications", data=data, REMOTE_ADDR=self.address))

    def status(self, receipt: str, id_no: str) -> Answer:
        return Answer.of(
            self.client.get(f"/api/v1/applications/{receipt}", headers={"X-Id-Number": id_no}, REMOTE_ADDR=self.address)
        )

    def supplement(self, receipt: str, id_no: str, files: dict) -> Answer:
        return Answer.of(
            self.client.post(
                f"/api/v1/applications/{receipt}/supplement",
                data={"id_number": id_no, **files},
                REMOTE_ADDR=self.address,
            )
        )


class Web:
    """The website's own forms, as a citizen's browser sends them."""

    name = "web"

    def __init__(self, client: Client, address: str):
        self.client, self.address = client, address

    def book(self, slot, n: int) -> Answer:
        form = {
            "guide": GUIDE,
            "slot": slot.pk,
            "name": "张三",
            "phone": "13812345678",
            "id_number": id_number(n),
            "email": "",
            "language": "zh-hans",
            "form_key": f"form-{uuid.uuid4()}",
            **CONSENT,
        }
        return Answer.of(self.client.post("/booking/", form, REMOTE_ADDR=self.address))

    def look_up(self, code: str, id_no: str) -> Answer:
        form = {"code": code, "id_number": id_no}
        return Answer.of(self.client.post("/booking/manage/", form, REMOTE_ADDR=self.address))

    def cancel(self, code: str, id_no: str) -> Answer:
        found = self.look_up(code, id_no)
        if found.status != 302:
            return found
        form = {"confirm": "1"}  # the second step: the first asks once more
        return Answer.of(self.client.post(f"/booking/manage/{code}/cancel/", form, REMOTE_ADDR=self.address))

    def reschedule(self, code: str, id_no: str, slot) -> Answer:
        found = self.look_up(code, id_no)
        if found.status != 302:
            return found
        form = {"slot": slot.pk}
        return Answer.of(self.client.post(f"/booking/manage/{code}/reschedule/", form, REMOTE_ADDR=self.address))

    def apply(self, data: dict) -> Answer:
        data = {**data, "form_key": f"form-{uuid.uuid4()}"}
        url = f"/apply/{data['guide']}/"
        return Answer.of(apply_on_website(self.client, url, data, REMOTE_ADDR=self.address))

    def status(self, receipt: str, id_no: str) -> Answer:
        form = {"receipt": receipt, "id_number": id_no}
        return Answer.of(self.client.post("/apply/status/", form, REMOTE_ADDR=self.address))

    def supplement(self, receipt: str, id_no: str, files: dict) -> Answer:
        found = self.status(receipt, id_no)
        if found.status != 302:
            return found
        return Answer.of(self.client.post(f"/apply/status/{receipt}/supplement/", data=files, REMOTE_ADDR=self.address))


@pytest.fixture(params=[Api, Web], ids=["api", "website"])
def channel(request, client):
    return request.param(client, "203.0.113.7")


def limit(settings, scope: str, **dimensions):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, scope: {**settings.API_RATE_LIMITS[scope], **dimensions}}


def assert_limited(answer: Answer, channel):
    assert answer.status == 429, answer.text[:300]
    assert answer.retry_after and answer.retry_after >= 1
    if channel.name == "web":  # a page in the site's style, in its language, saying when to try again
        assert "请稍后再试" in answer.text and "分钟后再试" in answer.text and 'class="site-header"' in answer.text
    else:
        assert '"code": "rate_limited"' in answer.text or '"code": "locked"' in answer.text


def booked_code(client, slot, n: int) -> str:
    answer = Api(client, f"198.51.100.{n % 250}").book(slot, n)
    assert answer.status == 201, answer.text
    return Booking.objects.latest("pk").code


# --- bookings ------------------------------------------------------------------------------------


def test_booking_from_one_address_stops_when_its_budget_is_spent(channel, settings, slots):
    limit(settings, "booking", ip=(2, 600))
    assert channel.book(slots[0], 1).status in (201, 302)
    assert channel.book(slots[1], 2).status in (201, 302)
    assert_limited(channel.book(slots[2], 3), channel)
    assert Booking.objects.count() == 2


def test_a_person_s_bookings_are_capped_whatever_the_channel(channel, settings, slots):
    limit(settings, "booking", id_number=(1, 3600))
    assert channel.book(slots[0], 5).status in (201, 302)
    assert_limited(channel.book(slots[1], 5), channel)


def test_one_live_booking_per_guide_on_every_channel(channel, slots):
    assert channel.book(slots[0], 6).status in (201, 302)
    again = channel.book(slots[1], 6)
    assert again.status in (409, 400) and ("already_booked" in again.text or "已预约该事项" in again.text)
    assert Booking.objects.count() == 1


def test_the_slot_release_throttle_holds_on_every_channel(channel, settings, slots):
    settings.API_SLOT_RELEASE = {"minutes": 24 * 60, "spacing": 30}  # the whole day counts as a release
    from cms.bookings.models import BookingSettings
    from guides import clock

    conf = BookingSettings.load()
    conf.days_ahead = (slots[0].date - clock.today()).days  # the slots' day is the newest one
    conf.save()
    assert channel.book(slots[0], 7).status in (201, 302)
    assert_limited(channel.book(slots[1], 8), channel)


def test_lookups_from_one_address_are_limited(channel, settings, client, slots):
    code = booked_code(client, slots[0], 9)
    limit(settings, "lookup", ip=(2, 600))
    assert channel.look_up(code, id_number(9)).status in (200, 302)
    assert channel.look_up(code, id_number(9)).status in (200, 302)
    assert_limited(channel.look_up(code, id_number(9)), channel)


def test_a_code_locks_after_a_few_wrong_id_numbers_until_the_card_is_read(channel, settings, client, slots):
    code = booked_code(client, slots[0], 10)
    for n in range(settings.LOOKUP_LOCK["failures"]):
        wrong = channel.look_up(code, id_number(500 + n))
        assert wrong.status == 404 or (channel.name == "web" and wrong.status == 400), wrong.text[:200]
    locked = channel.look_up(code, id_number(10))  # even the right ID number now waits
    assert_limited(locked, channel)
    lock = LookupLock.objects.get()
    first_wait = locked.retry_after
    assert 14 * 60 <= first_wait <= 15 * 60

    # The holder's ID card, read at a kiosk of the centre, proves who they are: the code is theirs again.
    device = KioskDevice(name="hall-1", centre=CentrePage.objects.get(code="city"))
    token = device.issue_token()
    device.save()
    proven = client.get(
        f"/api/v1/bookings/{code}",
        headers={"Authorization": f"Bearer {token}", "X-Id-Number": id_number(10), "X-Id-Number-Source": "card"},
    )
    assert proven.status_code == 200
    assert not LookupLock.objects.filter(pk=lock.pk).exists()
    assert channel.look_up(code, id_number(10)).status in (200, 302)


def test_the_lock_grows_with_each_further_wrong_id_number(client, settings, slots, time_machine):
    from guides import clock

    time_machine.move_to(clock.now(), tick=False)
    code = booked_code(client, slots[0], 11)
    api = Api(client, "203.0.113.8")
    waits = []
    for n in range(settings.LOOKUP_LOCK["failures"] + 2):
        answer = api.look_up(code, id_number(600 + n))
        if answer.status == 429:  # locked: wait it out, then guess again
            waits.append(answer.retry_after)
            time_machine.shift(answer.retry_after + 1)
            answer = api.look_up(code, id_number(600 + n))
        assert answer.status == 404
    locked = api.look_up(code, id_number(11))
    waits.append(locked.retry_after)
    assert waits == [15 * 60, 30 * 60, 60 * 60]


def test_a_typed_card_claim_from_a_browser_proves_nothing(client, settings, slots):
    code = booked_code(client, slots[0], 12)
    for n in range(settings.LOOKUP_LOCK["failures"]):
        Api(client, "203.0.113.9").look_up(code, id_number(700 + n))
    answer = client.get(
        f"/api/v1/bookings/{code}", headers={"X-Id-Number": id_number(12), "X-Id-Number-Source": "card"}
    )
    assert answer.status_code == 429  # only a kiosk's own card reader counts


def test_cancel_and_reschedule_count_as_bookings(channel, settings, client, slots):
    first, second = booked_code(client, slots[0], 13), booked_code(client, slots[1], 14)
    limit(settings, "booking", ip=(1, 600))
    assert channel.reschedule(first, id_number(13), slots[2]).status in (200, 302)
    assert_limited(channel.cancel(second, id_number(14)), channel)
    assert Booking.objects.get(code=second).status == "booked"


# --- applications --------------------------------------------------------------------------------


def application_data(deferrable: bool = False) -> dict:
    form = form_of(APPLY)
    return {"guide": APPLY, **person(), **delivery_for(form), **files_for(form, deferrable=deferrable)}


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.APPLICATION_FILES_DIR = tmp_path / "application-files"


def test_applications_from_one_address_stop_when_its_budget_is_spent(channel, settings):
    limit(settings, "application", ip=(1, 600))
    assert channel.apply(application_data()).status in (201, 302)
    assert_limited(channel.apply(application_data()), channel)
    assert Application.objects.count() == 1


def test_status_lookups_lock_a_receipt_after_wrong_id_numbers(channel, settings, client):
    answer = Api(client, "198.51.100.40").apply(application_data())
    receipt = Application.objects.get().receipt
    assert answer.status == 201
    for n in range(settings.LOOKUP_LOCK["failures"]):
        assert channel.status(receipt, id_number(800 + n)).status == 404
    assert_limited(channel.status(receipt, person()["id_number"]), channel)


def test_supplements_count_against_the_applicant(channel, settings, client):
    Api(client, "198.51.100.41").apply(application_data())
    application = Application.objects.get()
    limit(settings, "application", id_number=(1, 3600))  # the submission already spent the one
    missing = application.materials.filter(state="missing").first()
    files = {f"material_{missing.position}": files_for(form_of(APPLY), deferrable=True)[f"material_{missing.position}"]}
    assert_limited(channel.supplement(application.receipt, person()["id_number"], files), channel)
