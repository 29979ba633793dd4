"""A page and a mail speak one language: every booking and application page, with its form errors and
messages, and every notice, in Chinese and in English, through the real Django test client.

An English page shows no Chinese outside the allow-list of `test_english` (names in `original-name`, the
language switch, the logo); a Chinese page and a Chinese mail show no English interface words (codes,
file formats, addresses and the switch to English are not words of the interface). Both hold for the
words of the interface (gettext msgids) and for the content beside them (guide, centre, department and
material names). The translation catalogue is complete and compiled, so `make test` fails on a msgid
nobody translated, before any page shows it.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from cms.applications import services as applications
from cms.applications.enums import ApplicationStatus, MaterialState
from cms.applications.models import Application
from cms.bookings.enums import BookingStatus
from cms.bookings.models import Booking
from cms.bookings.notices import KINDS, send_notice
from cms.core.caller import Caller
from cms.services.editorial import ensure_department_editors
from cms.services.models import ServiceGuidePage
from guides.validate import CHINESE
from tests.cms.test_applications import pdf
from tests.cms.test_english import VOID, chinese_outside_allow_list
from tests.support.applications import apply_on_website
from tests.support.bookings import CONSENT, future_slots, id_number

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]
GUIDE = "330482-GA-001"  # bookable
DEFERRABLE, COMPANY = "330482-GA-004", "330482-SS-003"  # online: a person's with a 容缺 material, a company's
NAMES = {"zh-hans": "李四", "en": "Li Si"}  # the citizen's own name, shown masked: a proper name
PHONE = "13912345678"
PDF = pdf()  # a real one: uploads are parsed

# What a Chinese page may hold in Latin letters without speaking English: file formats and the .ics
# extension named in a sentence.
NOT_WORDS = {"PDF", "JPEG", "PNG", "ics"}
SHOWN = {"title", "alt", "aria-label", "placeholder"}  # attributes a visitor reads or hears


class _Words(HTMLParser):
    """The text a visitor reads on a Chinese page, outside the link to the English site, codes and
    anything marked as English."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.skip_at: int | None = None
        self.read: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        skipped = (
            tag in ("code", "script", "style")
            or {"code", "booking-code"} & set(classes)
            or (attributes.get("lang") or "").startswith("en")
            or (tag == "a" and attributes.get("hreflang") == "en")
        )
        if self.skip_at is None and not skipped:
            self.read += [value or "" for name, value in attrs if name in SHOWN]
            if tag == "button" or (tag == "input" and attributes.get("type") == "submit"):
                self.read.append(attributes.get("value") or "")
        if tag in VOID:
            return
        self.open.append(tag)
        if skipped and self.skip_at is None:
            self.skip_at = len(self.open)

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.open:
            return
        while self.open:
            closed = self.open.pop()
            if self.skip_at is not None and len(self.open) < self.skip_at:
                self.skip_at = None
            if closed == tag:
                break

    def handle_data(self, data):
        if self.skip_at is None:
            self.read.append(data)


def english_words(text: str) -> list[str]:
    """Words of English in a text: runs of two or more letters with a lowercase one (codes such as
    330482-GA-001 or a booking code are upper case), outside addresses, e-mail addresses and file names."""
    text = re.sub(r"https?://\S+|\S+@\S+|\S+\.(?:pdf|png|jpe?g)\b", " ", text)
    words = re.findall(r"[A-Za-z]*[a-z][A-Za-z]*", text)
    return [w for w in words if len(w) > 1 and w not in NOT_WORDS]


def english_on_the_page(html: str) -> list[str]:
    reader = _Words()
    reader.feed(html)
    return [text.strip() for text in reader.read if english_words(text)]


def speaks_only(html: str, language: str) -> None:
    """The page speaks `language` only."""
    if language == "en":
        assert '<html lang="en">' in html
        assert chinese_outside_allow_list(html) == []
    else:
        assert '<html lang="zh-Hans">' in html
        assert english_on_the_page(html) == []
    assert "lunch" not in html.lower()  # staggered hours are open through midday; "lunch" reads as closed


def prefix(language: str) -> str:
    return "/en" if language == "en" else ""


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


@pytest.fixture(autouse=True)
def _fresh_limits(settings, tmp_path):
    settings.APPLICATION_FILES_DIR = tmp_path / "application-files"
    cache.clear()
    yield
    cache.clear()


# ---- the checkers themselves


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ("<p>预约码 <strong class='booking-code'>K7QW2MXP</strong></p>", []),
        ("<p>330482-GA-001 · 公安服务</p><p>PDF、JPEG 或 PNG</p><p>加入日历（.ics）</p>", []),
        ('<a href="/en/booking/" hreflang="en" lang="en">English</a>', []),
        ("<p>剩余 5 个 · Staggered hours</p>", ["剩余 5 个 · Staggered hours"]),
        ('<input type="text" placeholder="Choose">', ["Choose"]),
        ("<button>Book</button>", ["Book"]),
        ("<p>scan1.png · zhang@example.cn · https://onetrip.example/booking/</p>", []),
    ],
)
def test_the_checker_finds_english_words_on_a_chinese_page(html, found):
    assert english_on_the_page(html) == found


# ---- booking pages


def _booking_form(client, language):
    slots = future_slots("city", "公安服务", kinds=("staggered",))
    query = {"guide": GUIDE, "centre": "city", "date": slots[0].date.isoformat()}
    return slots, client.get(f"{prefix(language)}/booking/", query)


def _book(client, language, n=7, **changes):
    slots, page = _booking_form(client, language)
    html = page.content.decode()
    data = {
        "csrfmiddlewaretoken": hidden(html, "csrfmiddlewaretoken"),
        "guide": GUIDE,
        "form_key": hidden(html, "form_key"),
        "slot": slots[0].pk,
        "name": NAMES[language],
        "phone": PHONE,
        "id_number": id_number(n),
        "email": "li@example.com",
        **CONSENT,
        **changes,
    }
    return slots, client.post(f"{prefix(language)}/booking/", data)


def booking_choose(client, language):
    return client.get(f"{prefix(language)}/booking/")


def booking_choose_at_a_centre(client, language):
    return client.get(f"{prefix(language)}/booking/", {"centre": "city"})


def booking_slots_and_form(client, language):
    response = _booking_form(client, language)[1]
    assert 'class="badge"' in response.content.decode()  # a staggered-hours slot is on the page
    return response


def booking_form_errors(client, language):
    response = _book(client, language, name="", email="not-an-address")[1]
    assert response.status_code == 400 and 'class="errors"' in response.content.decode()
    return response


def booking_refused_on_the_form(client, language):
    response = _book(client, language, id_number="330482199003071230")[1]  # a wrong check digit
    assert response.status_code == 400 and 'class="errors"' in response.content.decode()
    return response


def booking_done(client, language):
    return client.get(_book(client, language)[1]["Location"])


def booking_detail_with_times_to_move_to(client, language):
    slots, booked = _book(client, language)
    return client.get(booked["Location"].replace("/done/", "/manage/"), {"centre": "city", "date": slots[0].date})


def booking_to_rebook(client, language):
    booked = _book(client, language)[1]
    Booking.objects.update(status=BookingStatus.REBOOK)
    return client.get(booked["Location"].replace("/done/", "/manage/"))


def booking_cancelled_with_its_message(client, language):
    booked = _book(client, language)[1]
    detail = booked["Location"].replace("/done/", "/manage/")
    cancelled = client.post(detail + "cancel/", {"confirm": "1"})
    assert cancelled.status_code == 302
    return client.get(cancelled["Location"])


def booking_cancel_asks_once_more(client, language):
    booked = _book(client, language)[1]
    asked = client.post(booked["Location"].replace("/done/", "/manage/") + "cancel/")
    assert asked.status_code == 200 and 'name="confirm"' in asked.content.decode()
    return asked


def booking_find(client, language):
    return client.get(f"{prefix(language)}/booking/manage/")


def booking_not_found(client, language):
    response = client.post(f"{prefix(language)}/booking/manage/", {"code": "K7QW2MXP", "id_number": id_number(8)})
    assert response.status_code == 400 and 'class="errors"' in response.content.decode()
    return response


def booking_find_too_often(client, language):
    """The rate-limit page: when to try again, in the page's language."""
    limits = {**settings.API_RATE_LIMITS, "lookup": {"ip": (1, 600)}}
    with override_settings(API_RATE_LIMITS=limits):
        for _ in range(2):
            response = client.post(
                f"{prefix(language)}/booking/manage/", {"code": "K7QW2MXP", "id_number": id_number(8)}
            )
    assert response.status_code == 429
    return response


# ---- application pages


def _person(language, **changes) -> dict:
    return {
        "applicant_kind": "person",
        "name": NAMES[language],
        "id_number": id_number(9),
        "phone": PHONE,
        **CONSENT,
        **changes,
    }


def _apply(client, language, code=DEFERRABLE, **changes):
    """Apply on the website, leaving the 容缺 material out: the application waits for a supplement."""
    return apply_on_website(client, f"{prefix(language)}/apply/{code}/", _apply_form(client, language, code, **changes))


def _apply_form(client, language, code=DEFERRABLE, **changes) -> dict:
    """The form as filled in, leaving the 容缺 material out."""
    form = applications.form_for(ServiceGuidePage.objects.get(code=code))
    page = client.get(f"{prefix(language)}/apply/{code}/").content.decode()
    files = {m.field: SimpleUploadedFile(f"scan{m.position}.pdf", PDF) for m in form.asked if m.required}
    return {
        "form_key": hidden(page, "form_key"),
        "language": hidden(page, "language"),
        **_person(language, email="li@example.com"),
        "delivery": "pickup",
        "centre": form.centres[0].code,
        **files,
        **changes,
    }


def apply_choose(client, language):
    return client.get(f"{prefix(language)}/apply/")


def apply_form_for_a_person(client, language):
    return client.get(f"{prefix(language)}/apply/{DEFERRABLE}/")


def apply_form_for_a_company(client, language):
    return client.get(f"{prefix(language)}/apply/{COMPANY}/")


def apply_errors(client, language):
    response = _apply(client, language, id_number="123", phone="")
    assert response.status_code == 400 and 'class="errors"' in response.content.decode()
    return response


def application_find(client, language):
    return client.get(f"{prefix(language)}/apply/status/")


def application_not_found(client, language):
    response = client.post(f"{prefix(language)}/apply/status/", {"receipt": "SQ00000000", "id_number": id_number(9)})
    assert 'class="errors"' in response.content.decode()
    return response


def application_find_too_often(client, language):
    limits = {**settings.API_RATE_LIMITS, "lookup": {"ip": (1, 600)}}
    with override_settings(API_RATE_LIMITS=limits):
        for _ in range(2):
            response = client.post(
                f"{prefix(language)}/apply/status/", {"receipt": "SQ00000000", "id_number": id_number(9)}
            )
    assert response.status_code == 429
    return response


def _status_url(language) -> str:
    return f"{prefix(language)}/apply/status/{Application.objects.get().receipt}/"


def apply_check_answers(client, language):
    form = _apply_form(client, language)
    checking = client.post(f"{prefix(language)}/apply/{DEFERRABLE}/", form)
    assert checking.status_code == 302 and checking["Location"].endswith("/check/")
    return client.get(checking["Location"])


def application_submitted(client, language):
    applied = _apply(client, language)
    assert applied.status_code == 302 and "/apply/submitted/" in applied["Location"]
    return client.get(applied["Location"])


def application_status_awaiting_a_supplement(client, language):
    applied = _apply(client, language)
    assert applied.status_code == 302
    assert Application.objects.get().status == ApplicationStatus.PENDING_SUPPLEMENT
    return client.get(_status_url(language))


def application_status_supplement_refused(client, language):
    _apply(client, language)
    response = client.post(_status_url(language) + "supplement/")  # nothing supplied
    assert 'class="errors"' in response.content.decode()
    return response


PAGES = [
    booking_choose,
    booking_choose_at_a_centre,
    booking_slots_and_form,
    booking_form_errors,
    booking_refused_on_the_form,
    booking_done,
    booking_detail_with_times_to_move_to,
    booking_to_rebook,
    booking_cancelled_with_its_message,
    booking_cancel_asks_once_more,
    booking_find,
    booking_not_found,
    booking_find_too_often,
    apply_choose,
    apply_form_for_a_person,
    apply_form_for_a_company,
    apply_errors,
    apply_check_answers,
    application_submitted,
    application_find,
    application_not_found,
    application_find_too_often,
    application_status_awaiting_a_supplement,
    application_status_supplement_refused,
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES, ids=[p.__name__ for p in PAGES])
def test_a_booking_or_application_page_speaks_one_language(page, language):
    response = page(Client(), language)
    assert response.status_code in (200, 400, 404, 429), response.status_code
    speaks_only(response.content.decode(), language)


def test_english_pages_name_the_guide_in_english_with_its_chinese_name_beside_it():
    client = Client()
    html = booking_done(client, "en").content.decode()
    guide = ServiceGuidePage.objects.get(code=GUIDE)
    assert guide.name_en in html
    assert f'<span class="original-name" lang="zh-Hans">{guide.title}</span>' in html
    other = Client()
    chinese = other.get(_book(other, "zh-hans", n=8)[1]["Location"]).content.decode()
    assert guide.title in chinese and guide.name_en not in chinese


# ---- mails


def mail_speaks_only(message, language: str, proper_names: list[str]) -> None:
    text = f"{message.subject}\n{message.body}"
    if language == "en":
        for name in proper_names:  # the Chinese name to show at a window, on its own line
            text = text.replace(name, "")
        assert not CHINESE.search(text), text
    else:
        assert english_words(text) == [], text
    assert "lunch" not in text.lower()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_booking_notice_speaks_the_language_it_was_booked_in(language, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _book(Client(), language)
    booking = Booking.objects.get()
    assert booking.language == language  # the page's language, not a separate choice
    mail.outbox.clear()
    for kind in KINDS:
        assert send_notice(booking.pk, kind)
    assert len(mail.outbox) == len(KINDS)
    for message in mail.outbox:
        mail_speaks_only(message, language, [booking.guide_name])
    ics = mail.outbox[0].attachments[0][1]
    assert ("预约办事" in ics) == (language == "zh-hans")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_application_mail_speaks_the_language_it_was_applied_in(language, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        _apply(client, language)
    application = Application.objects.get()
    assert application.language == language
    staff = get_user_model().objects.create_user("handler", password="x-very-long-password")
    staff.groups.add(ensure_department_editors(application.department))
    missing = application.materials.get(state=MaterialState.MISSING)
    with django_capture_on_commit_callbacks(execute=True):
        supplied = client.post(
            f"{prefix(language)}/apply/status/{application.receipt}/supplement/",
            {f"material_{missing.position}": SimpleUploadedFile("income.pdf", PDF)},
        )
        assert supplied.status_code == 302
        application.refresh_from_db()
        applications.act(application, "approve", Caller.staff(staff))
        applications.act(application, "deliver", Caller.staff(staff))
    statuses = list(application.history.values_list("to_status", flat=True))
    assert len(mail.outbox) == len(statuses) == 5
    for message in mail.outbox:
        mail_speaks_only(message, language, [application.guide_name])


# ---- the catalogue


LOCALE = Path(settings.BASE_DIR) / "locale"


def _tuple(value):
    """A plural's forms as a tuple (the .mo reader gives lists), a singular as it is."""
    return tuple(value) if isinstance(value, list | tuple) else value


def _strings(message) -> tuple:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_every_interface_text_has_chinese_and_the_catalogues_are_compiled():
    for language in ("zh_Hans", "en"):
        folder = LOCALE / language / "LC_MESSAGES"
        with (folder / "django.po").open("rb") as f:
            source = read_po(f)
        with (folder / "django.mo").open("rb") as f:
            compiled = read_mo(f)
        translated = {(m.context, m.id): m.string for m in source if m.id and all(_strings(m)) and not m.fuzzy}
        if language == "zh_Hans":
            untranslated = [m.id for m in source if m.id and (m.fuzzy or not all(_strings(m)))]
            assert untranslated == [], "make messages-update, translate, then make messages-compile"
        compiled_strings = {(m.context, _tuple(m.id)): _tuple(m.string) for m in compiled if m.id}
        for (context, msgid), string in translated.items():
            assert compiled_strings.get((context, _tuple(msgid))) == _tuple(string), "make messages-compile"


def test_the_api_gives_a_status_label_in_both_languages_whatever_the_request_language():
    client = Client()
    assert _apply(client, "en").status_code == 302
    application = Application.objects.get()
    for accept in ("en", "zh-hans"):
        body = client.get(
            f"/api/v1/applications/{application.receipt}",
            headers={"X-Id-Number": id_number(9), "Accept-Language": accept},
        ).json()
        assert (body["status_label"], body["status_label_en"]) == (
            "容缺受理，待补正",
            "Accepted, a material to be supplied",
        )
