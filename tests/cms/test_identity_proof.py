"""Levels of proof and one-time codes, on every channel (API and website; a kiosk is the API with its token).

A typed ID number with a phone confirmed by a texted code is a *claimed* identity: its bookings count against
the phone, their no-shows bar the phone, and nobody can spend or bar another person's quota by typing their
number. A proven identity (an ID card read at a kiosk; signed in: tests/cms/test_identity_signin.py) keeps its
own quota. Codes are hashed, live five minutes, die after five wrong tries, and their sends are capped.
"""

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass

import pytest
from django.test import Client

from cms.bookings import services
from cms.bookings.models import Booking, Person
from cms.identity.models import PhoneCode
from cms.identity.proof import phone_key
from cms.personal.keys import keyed_hash
from guides import clock
from tests.cms.test_production import production
from tests.support.bookings import CONSENT, id_number
from tests.support.clock import travel

pytestmark = pytest.mark.django_db

GUIDE, OTHER_GUIDE = "330482-GA-001", "330482-GA-002"
ATTACKER_PHONE, VICTIM_PHONE = "13900000001", "13900000002"


def run_setting(tmp_path, **env) -> bool:
    """PHONE_CODES as `make run` and production have it (a fresh interpreter, the production settings)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("PHONE_CODES", raising=False)  # the default, whatever the shell running the tests says
        code = "import django; django.setup(); from django.conf import settings; print(settings.PHONE_CODES)"
        done = production(tmp_path, code, **env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip() == "True"


@pytest.fixture(scope="module")
def run_default(tmp_path_factory) -> bool:
    return run_setting(tmp_path_factory.mktemp("run"))


def test_the_run_settings_ask_for_a_code_unless_told_not_to(tmp_path, run_default):
    assert run_default is True
    assert run_setting(tmp_path, PHONE_CODES="0") is False


@pytest.fixture(autouse=True)
def codes_required(settings, tmp_path, run_default):
    """The run settings' default: typed ID numbers need a texted code."""
    settings.PHONE_CODES = run_default
    settings.SMS_BACKEND = "cms.identity.sms.FileBackend"
    settings.SMS_OPTIONS = {"path": str(tmp_path / "sms")}
    return tmp_path / "sms"


def last_code(outbox, phone: str) -> str:
    """The code in the newest text to `phone`, as the phone's owner reads it."""
    texts = sorted(outbox.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    mine = [json.loads(p.read_text()) for p in texts if json.loads(p.read_text())["phone"] == phone]
    return mine[-1]["code"]


@dataclass
class Answer:
    status: int
    text: str
    retry_after: int | None


def answer(response) -> Answer:
    retry = response.get("Retry-After")
    text = response.content.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return Answer(response.status_code, text, int(retry) if retry else None)


class Api:
    name = "api"

    def __init__(self, client: Client, address: str):
        self.client, self.address = client, address

    def send_code(self, phone: str, slot=None) -> Answer:
        return answer(
            self.client.post(
                "/api/v1/phone-codes", {"phone": phone}, content_type="application/json", REMOTE_ADDR=self.address
            )
        )

    def book(self, slot, n: int, phone: str, code: str = "", guide: str = GUIDE) -> Answer:
        body = {"slot": slot.pk, "guide": guide, "name": "某人", "phone": phone, "id_number": id_number(n), **CONSENT}
        return answer(
            self.client.post(
                "/api/v1/bookings",
                {**body, "phone_code": code},
                content_type="application/json",
                headers={"Idempotency-Key": f"k-{uuid.uuid4()}"},
                REMOTE_ADDR=self.address,
            )
        )


class Web:
    name = "web"

    def __init__(self, client: Client, address: str):
        self.client, self.address = client, address

    def _form(self, slot, n: int, phone: str, guide: str) -> dict:
        return {
            "guide": guide,
            "slot": slot.pk,
            "name": "某人",
            "phone": phone,
            "id_number": id_number(n),
            "email": "",
            "form_key": f"form-{uuid.uuid4()}",
            **CONSENT,
        }

    def send_code(self, phone: str, slot=None) -> Answer:
        form = {"guide": GUIDE, "phone": phone, "send_code": "1", "form_key": "k"}
        if slot is not None:
            form["slot"] = slot.pk
        return answer(self.client.post("/booking/", form, REMOTE_ADDR=self.address))

    def book(self, slot, n: int, phone: str, code: str = "", guide: str = GUIDE) -> Answer:
        form = {**self._form(slot, n, phone, guide), "phone_code": code}
        return answer(self.client.post("/booking/", form, REMOTE_ADDR=self.address))


BOOKED = (201, 302)


@pytest.fixture(params=[Api, Web], ids=["api", "website"])
def channel(request, client):
    return request.param(client, "203.0.113.9")


def card_booking(client, kiosk, slot, n: int, phone: str = VICTIM_PHONE, guide: str = GUIDE):
    """The person themself at a kiosk, their ID card read: proven."""
    body = {"slot": slot.pk, "guide": guide, "name": "本人", "phone": phone, "id_number": id_number(n), **CONSENT}
    return client.post(
        "/api/v1/bookings",
        body,
        content_type="application/json",
        headers={
            "Authorization": f"Bearer {kiosk}",
            "X-Id-Number-Source": "card",
            "Idempotency-Key": str(uuid.uuid4()),
        },
    )


def test_a_typed_id_number_needs_a_confirmed_phone(channel, slots):
    refused = channel.book(slots[0], 1, ATTACKER_PHONE)
    assert refused.status == 400 and ("phone_unconfirmed" in refused.text or "短信验证码" in refused.text)
    wrong = channel.book(slots[0], 1, ATTACKER_PHONE, code="000000")
    assert wrong.status == 400 and ("验证码不正确" in wrong.text)
    assert not Booking.objects.exists()


def test_a_claimed_booking_in_someone_s_name_neither_spends_nor_bars_their_quota(
    channel, client, kiosk, slots, codes_required
):
    victim = 7
    assert channel.send_code(ATTACKER_PHONE).status in (202, 200)
    code = last_code(codes_required, ATTACKER_PHONE)
    assert channel.book(slots[0], victim, ATTACKER_PHONE, code).status in BOOKED
    assert channel.book(slots[1], victim, ATTACKER_PHONE, code, guide=OTHER_GUIDE).status in BOOKED
    claimed = list(Booking.objects.order_by("pk"))
    assert [b.holder.proof for b in claimed] == ["claimed", "claimed"]
    assert {b.person.key for b in claimed} == {phone_key(ATTACKER_PHONE)}  # counted on the phone
    assert {b.holder.key for b in claimed} == {keyed_hash(id_number(victim))}  # in the victim's name

    # The victim, proven, books the same item: not "already booked", their own quota untouched.
    mine = card_booking(client, kiosk, slots[2], victim)
    assert mine.status_code == 201, mine.content
    assert Booking.objects.get(code=mine.json()["code"]).holder.proof == "proven"

    # The claimed bookings are not kept: their no-shows bar the phone, not the person.
    services.mark_no_shows(now=slots[1].end + dt.timedelta(hours=1))
    assert Person.objects.get(key=phone_key(ATTACKER_PHONE)).barred_until is not None
    assert Person.objects.get(key=keyed_hash(id_number(victim))).barred_until is None
    later = slots[-1]
    assert card_booking(client, kiosk, later, victim, guide=OTHER_GUIDE).status_code == 201
    barred = channel.book(later, 8, ATTACKER_PHONE, code, guide="330482-GA-003")
    assert barred.status == 429 and ("barred" in barred.text or "暂停预约" in barred.text)


def test_the_person_named_finds_a_claimed_booking_by_code_and_id_number(client, slots, codes_required):
    api = Api(client, "203.0.113.10")
    api.send_code(ATTACKER_PHONE)
    assert api.book(slots[0], 9, ATTACKER_PHONE, last_code(codes_required, ATTACKER_PHONE)).status == 201
    booking = Booking.objects.get()
    found = client.get(f"/api/v1/bookings/{booking.code}", headers={"X-Id-Number": id_number(9)})
    assert found.status_code == 200
    assert services.in_name_of(keyed_hash(id_number(9))).get() == booking


def test_codes_are_hashed_live_five_minutes_and_die_after_five_wrong_tries(channel, slots, codes_required):
    assert channel.send_code(ATTACKER_PHONE).status in (200, 202)
    code = last_code(codes_required, ATTACKER_PHONE)
    row = PhoneCode.objects.get()
    assert code not in row.code_hash and row.phone_key == phone_key(ATTACKER_PHONE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert channel.book(slots[0], 11, ATTACKER_PHONE, wrong).status == 400
    dead = channel.book(slots[0], 11, ATTACKER_PHONE, code)  # the right code, too late
    assert dead.status == 400 and "验证码不正确" in dead.text

    with travel(clock.now() + dt.timedelta(minutes=2)):
        assert channel.send_code(ATTACKER_PHONE).status in (200, 202)
        fresh = last_code(codes_required, ATTACKER_PHONE)
    with travel(clock.now() + dt.timedelta(minutes=2 + 6)):
        expired = channel.book(slots[0], 11, ATTACKER_PHONE, fresh)
        assert expired.status == 400 and "验证码不正确" in expired.text
    assert not Booking.objects.exists()


def test_sends_are_capped_per_phone_and_spaced(channel, codes_required):
    start = clock.now()
    assert channel.send_code(VICTIM_PHONE).status in (200, 202)
    again = channel.send_code(VICTIM_PHONE)  # at once: one a minute
    assert again.status == 429 and again.retry_after and again.retry_after <= 60
    for minute in range(1, 5):
        with travel(start + dt.timedelta(minutes=2 * minute)):
            assert channel.send_code(VICTIM_PHONE).status in (200, 202)
    with travel(start + dt.timedelta(minutes=12)):
        sixth = channel.send_code(VICTIM_PHONE)  # five a day to one phone, from anywhere
        assert sixth.status == 429
        assert Api(Client(), "198.51.100.3").send_code(VICTIM_PHONE).status == 429
    assert len(list(codes_required.glob("*.json"))) == 5


def test_sends_are_capped_per_address(channel, settings, codes_required):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "phone_code": {"ip": (3, 86400), "id_number": (5, 86400)}}
    for n in range(3):
        assert channel.send_code(f"1390000010{n}").status in (200, 202)
    assert channel.send_code("13900000109").status == 429
    assert len(list(codes_required.glob("*.json"))) == 3


def test_a_landline_gets_no_code(channel, slots):
    refused = channel.send_code("0573-85012345", slots[0])  # from the filled form, its time chosen
    assert refused.status == 400 and re.search("手机号|mobile", refused.text)


def test_a_claimed_booking_is_unverified_until_the_named_card_is_read_at_check_in(client, kiosk, slots, codes_required):
    api = Api(client, "203.0.113.11")
    api.send_code(ATTACKER_PHONE)
    made = client.post(
        "/api/v1/bookings",
        {
            "slot": slots[0].pk,
            "guide": GUIDE,
            "name": "某人",
            "phone": ATTACKER_PHONE,
            "id_number": id_number(12),
            "phone_code": last_code(codes_required, ATTACKER_PHONE),
            **CONSENT,
        },
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["proof"] == "claimed"
    code = made.json()["code"]
    url, auth = f"/api/v1/bookings/{code}/check-in", {"Authorization": f"Bearer {kiosk}"}
    with travel(slots[0].start - dt.timedelta(minutes=20)):
        refused = client.post(url, headers=auth)
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "card_needed"
        someone_else = {**auth, "X-Id-Number": id_number(13), "X-Id-Number-Source": "card"}
        assert client.post(url, headers=someone_else).status_code == 404
        named = {**auth, "X-Id-Number": id_number(12), "X-Id-Number-Source": "card"}
        checked = client.post(url, headers=named)
        assert checked.status_code == 200 and checked.json()["booking"]["status"] == "checked_in"
