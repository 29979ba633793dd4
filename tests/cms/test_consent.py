"""Notice and consent at first use (PIPL): a booking or application by someone not signed in agrees to the
current personal-information notice, on every channel (the API, the website, the kiosk: the API with its device
token), and the record keeps which version and when. One rule in the services (cms/identity/privacy.py)."""

import datetime as dt
import re
import uuid

import pytest

from cms.applications.models import Application
from cms.bookings import services as bookings
from cms.bookings.models import Booking
from cms.core.caller import Caller
from cms.core.enums import Channel
from cms.identity.models import Consent
from cms.identity.notice import NOTICE_VERSION
from cms.identity.session import SESSION_KEY, Identity, _sealed
from cms.people.data import held_about
from cms.personal.keys import keyed_hash
from guides import clock
from guides.applicants import applicant
from guides.refusal import Refusal
from tests.cms.test_applications import delivery_for, files_for, form_of, person
from tests.support.applications import apply_on_website
from tests.support.bookings import id_number

pytestmark = pytest.mark.django_db

GUIDE = "330482-GA-001"
APPLY = "330482-GA-004"
OLD = "2025-01"  # a notice version that is no longer the current one


class Api:
    """A program calling the API; `headers` makes it the kiosk."""

    name = "api"
    headers: dict = {}

    def __init__(self, client):
        self.client = client

    def book(self, slot, n: int, **consent):
        body = {"slot": slot.pk, "guide": GUIDE, "name": "张三", "phone": "13812345678", "id_number": id_number(n)}
        headers = {"Idempotency-Key": f"k-{uuid.uuid4()}", **self.headers}
        return self.client.post(
            "/api/v1/bookings", {**body, **consent}, content_type="application/json", headers=headers
        )

    def apply(self, **consent):
        form = form_of(APPLY)
        data = {"guide": APPLY, **person(), **delivery_for(form), **files_for(form)}
        data.pop("consent")
        return self.client.post("/api/v1/applications", data={**data, **consent}, headers=self.headers)

    def refused(self, response, code: str, words: str) -> None:
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert error["code"] == code and words in error["fields"]["consent"]
        assert " / " in error["fields"]["consent"]  # both languages, as every field refusal of the API


class Kiosk(Api):
    name = "kiosk"

    def __init__(self, client, token: str):
        super().__init__(client)
        self.headers = {"Authorization": f"Bearer {token}"}


class Web(Api):
    """The website's forms, as a browser sends them."""

    name = "web"

    def book(self, slot, n: int, **consent):
        form = {
            "guide": GUIDE,
            "slot": slot.pk,
            "name": "张三",
            "phone": "13812345678",
            "id_number": id_number(n),
            "email": "zhang@example.cn",
            "form_key": f"form-{uuid.uuid4()}",
        }
        return self.client.post("/booking/", {**form, **consent})

    def apply(self, **consent):
        form = form_of(APPLY)
        data = {"guide": APPLY, **person(), **delivery_for(form), **files_for(form), "form_key": f"f-{uuid.uuid4()}"}
        data.pop("consent")
        return apply_on_website(self.client, f"/apply/{APPLY}/", {**data, **consent})

    def refused(self, response, code: str, words: str) -> None:
        assert response.status_code == 400
        html = response.content.decode()
        error = re.search(r'<span class="errors" id="consent-error">([^<]*)</span>', html)
        assert error and words in error.group(1), html[:3000]
        assert 'id="consent"' in html and 'aria-invalid="true"' in html
        typed = ("13812345678", person()["phone"])  # the booking's phone, or the application's
        assert 'value="张三"' in html and any(f'value="{phone}"' in html for phone in typed)  # nothing typed is lost


WORDS = {  # the field message, as each channel shows it
    "consent_needed": {"api": "tick to agree", "kiosk": "tick to agree", "web": "请勾选同意"},
    "consent_outdated": {"api": "notice is now version", "kiosk": "notice is now version", "web": "告知已更新"},
}


@pytest.fixture(params=["api", "web", "kiosk"])
def channel(request, client, kiosk):
    if request.param == "kiosk":
        return Kiosk(client, kiosk)
    return Web(client) if request.param == "web" else Api(client)


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.APPLICATION_FILES_DIR = tmp_path / "application-files"


def test_a_booking_without_consent_is_refused_on_the_consent_field(channel, slots):
    channel.refused(channel.book(slots[0], 1), "consent_needed", WORDS["consent_needed"][channel.name])
    channel.refused(channel.book(slots[0], 1, consent=""), "consent_needed", WORDS["consent_needed"][channel.name])
    assert not Booking.objects.exists()


def test_a_booking_agreeing_to_an_older_notice_is_refused(channel, slots):
    answer = channel.book(slots[0], 2, consent=OLD)
    channel.refused(answer, "consent_outdated", WORDS["consent_outdated"][channel.name])
    assert not Booking.objects.exists()


def test_a_booking_keeps_the_version_agreed_to_and_when(channel, slots):
    before = clock.now()
    answer = channel.book(slots[0], 3, consent=NOTICE_VERSION)
    assert answer.status_code in (201, 302), answer.content[:2000]
    booking = Booking.objects.get()
    assert booking.consent_version == NOTICE_VERSION and before <= booking.consented_at <= clock.now()


def test_an_application_without_consent_or_with_an_older_one_is_refused(channel):
    channel.refused(channel.apply(), "consent_needed", WORDS["consent_needed"][channel.name])
    channel.refused(channel.apply(consent=OLD), "consent_outdated", WORDS["consent_outdated"][channel.name])
    assert not Application.objects.exists()


def test_an_application_keeps_the_version_agreed_to_and_when(channel):
    before = clock.now()
    answer = channel.apply(consent=NOTICE_VERSION)
    assert answer.status_code in (201, 302), answer.content[:2000]
    application = Application.objects.get()
    assert application.consent_version == NOTICE_VERSION and before <= application.consented_at <= clock.now()


# --- signed in: agreed at the first sign-in ---------------------------------------------------------


def test_a_signed_in_person_who_agreed_at_sign_in_books_without_sending_consent(slots):
    me = id_number(20)
    agreed_at = clock.now() - dt.timedelta(days=30)  # at the first sign-in, a month ago
    Consent.objects.create(key=keyed_hash(me), version=NOTICE_VERSION, at=agreed_at)
    signed_in = Caller(Channel.WEB, address="10.0.0.3", id_number=me, proven=True)
    booking, _ = bookings.book(slots[0].pk, GUIDE, applicant("张三", me, "13812345678"), signed_in)
    assert (booking.consent_version, booking.consented_at) == (NOTICE_VERSION, agreed_at)


def test_what_a_person_downloads_names_the_notice_each_record_was_agreed_under(slots):
    me = id_number(24)
    agreed_at = clock.now() - dt.timedelta(days=2)
    Consent.objects.create(key=keyed_hash(me), version=NOTICE_VERSION, at=agreed_at)
    signed_in = Caller(Channel.WEB, address="10.0.0.3", id_number=me, proven=True)
    bookings.book(slots[0].pk, GUIDE, applicant("张三", me, "13812345678"), signed_in)
    held = held_about(Identity("person", "张三", me, "13812345678", 3, "sub-24"))
    (booking,) = held["bookings"]
    assert booking["consent_version"] == NOTICE_VERSION
    assert dt.datetime.fromisoformat(booking["consented_at"]) == agreed_at


def test_agreement_of_an_older_notice_at_sign_in_is_not_agreement_to_this_one(slots):
    me = id_number(21)
    Consent.objects.create(key=keyed_hash(me), version=OLD, at=clock.now())
    signed_in = Caller(Channel.WEB, address="10.0.0.3", id_number=me, proven=True)
    with pytest.raises(Refusal) as refused:
        bookings.book(slots[0].pk, GUIDE, applicant("张三", me, "13812345678"), signed_in)
    assert refused.value.code == "consent_needed" and set(refused.value.fields) == {"consent"}


def test_someone_typing_the_number_of_a_person_who_agreed_still_agrees_themself(slots):
    """The consent is of whoever gives the data: a typed ID number proves nothing, so its owner's consent
    at sign-in does not stand for the person at the keyboard."""
    victim = id_number(22)
    Consent.objects.create(key=keyed_hash(victim), version=NOTICE_VERSION, at=clock.now())
    typed = Caller(Channel.API, address="10.0.0.4", id_number=victim)
    with pytest.raises(Refusal) as refused:
        bookings.book(slots[0].pk, GUIDE, applicant("某人", victim, "13812345678"), typed)
    assert refused.value.code == "consent_needed"


def test_the_website_booking_form_of_a_signed_in_person_asks_nothing(client, slots):
    me = id_number(23)
    Consent.objects.create(key=keyed_hash(me), version=NOTICE_VERSION, at=clock.now())
    session = client.session
    session[SESSION_KEY] = _sealed(Identity("person", "张三", me, "13812345678", 3, "sub-23"))
    session.save()
    query = {"guide": GUIDE, "centre": "city", "date": slots[0].date.isoformat()}
    page = client.get("/booking/", query).content.decode()
    assert 'name="consent"' not in page
    key = re.search(r'name="form_key" value="([^"]*)"', page).group(1)
    answer = client.post("/booking/", {"guide": GUIDE, "slot": slots[0].pk, "email": "", "form_key": key})
    assert answer.status_code == 302, answer.content[:2000]
    assert Booking.objects.get().consent_version == NOTICE_VERSION


# --- the notice itself -----------------------------------------------------------------------------


def test_the_api_publishes_the_notice_in_both_languages(client, settings):
    settings.RETENTION = {"booking_days": 180, "application_days": 1095}
    notice = client.get("/api/v1/privacy-notice").json()
    assert notice["version"] == NOTICE_VERSION
    assert "身份证号" in notice["text_zh"] and "180" in notice["text_zh"] and "1095" in notice["text_zh"]
    assert "ID number" in notice["text_en"] and "180 days" in notice["text_en"] and "1095 days" in notice["text_en"]
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/privacy-notice" in schema["paths"]
    assert "consent" in schema["components"]["schemas"]["BookingIn"]["properties"]


@pytest.mark.parametrize(("url", "words"), [("/privacy-notice/", "180"), ("/en/privacy-notice/", "180 days")])
def test_the_notice_page_says_what_is_collected_why_and_for_how_long(client, url, words):
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert words in html and NOTICE_VERSION in html


def test_the_forms_link_to_the_notice_and_keep_the_box_ticked(client, slots):
    query = {"guide": GUIDE, "centre": "city", "date": slots[0].date.isoformat()}
    page = client.get("/booking/", query).content.decode()
    assert 'href="/privacy-notice/"' in page and "我已阅读并同意" in page
    assert f'name="consent" value="{NOTICE_VERSION}"' in page
    apply_page = client.get(f"/apply/{APPLY}/").content.decode()
    assert 'href="/privacy-notice/"' in apply_page and f'value="{NOTICE_VERSION}"' in apply_page
    # refused for another field: the box stays ticked, the other values stay
    wrong = Web(client).book(slots[0], 24, consent=NOTICE_VERSION, phone="123")
    html = wrong.content.decode()
    assert wrong.status_code == 400 and re.search(r'id="consent"[^>]* checked', html) and 'value="张三"' in html
