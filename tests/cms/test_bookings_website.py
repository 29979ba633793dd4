"""Booking on the website: plain forms with CSRF, POST for every change, no JavaScript, no ID number in a URL."""

import re

import pytest
from django.test import Client

from cms.bookings.models import Booking, Slot
from cms.bookings.services import book
from cms.core.caller import Caller
from cms.core.enums import Channel
from guides.applicants import applicant
from tests.support.bookings import CONSENT, id_number
from tests.support.html import no_inline_script

pytestmark = pytest.mark.django_db

GUIDE = "330482-GA-001"


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


def form_page(browser, slot):
    return browser.get("/booking/", {"guide": GUIDE, "centre": "city", "date": slot.date.isoformat()})


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def submit(browser, slot, page_html, n=1, **extra):
    data = {
        "csrfmiddlewaretoken": hidden(page_html, "csrfmiddlewaretoken"),
        "guide": GUIDE,
        "form_key": hidden(page_html, "form_key"),
        "slot": slot.pk if slot else "",
        "name": "李四",
        "phone": "13900001111",
        "id_number": id_number(n),
        "email": "",
        "language": "zh-hans",
        **CONSENT,
        **extra,
    }
    return browser.post("/booking/", data)


def test_the_start_page_lists_bookable_guides(browser):
    html = browser.get("/booking/").content.decode()
    assert GUIDE in html and "330482-TZ-001" not in html  # that item takes no appointments
    assert no_inline_script(html)


def test_booking_from_a_centre_page_offers_that_centres_guides_and_keeps_the_centre(browser):
    from cms.centres.models import CentrePage
    from cms.services.models import ServiceGuidePage

    bookable = ServiceGuidePage.objects.live().filter(channels_appointment=True)
    everywhere = set(bookable.values_list("code", flat=True))
    for centre in CentrePage.objects.live():
        here = set(bookable.filter(centre_links__centre=centre).values_list("code", flat=True))
        if here and here < everywhere:
            break
    else:
        pytest.fail("the demo has no centre handling only some bookable guides")
    html = browser.get("/booking/", {"centre": centre.code}).content.decode()
    offered = set(re.findall(r'<option value="([^"]+)"', html))
    assert offered == here
    assert f'name="centre" value="{centre.code}"' in html


def test_choosing_centre_and_date_shows_slots_and_the_form(browser, slots):
    html = form_page(browser, slots[0]).content.decode()
    assert 'name="slot"' in html and f'value="{slots[0].pk}"' in html
    assert 'name="id_number"' in html and "csrfmiddlewaretoken" in html
    assert no_inline_script(html)


def test_booking_without_javascript_end_to_end(browser, slots):
    page = form_page(browser, slots[0]).content.decode()
    response = submit(browser, slots[0], page)
    assert response.status_code == 302 and response["Location"].startswith("/booking/done/")
    booking = Booking.objects.get()
    assert booking.channel == "web" and id_number(1) not in response["Location"]
    done = browser.get(response["Location"]).content.decode()
    assert booking.code in done and "<svg" in done and id_number(1) not in done
    ics = browser.get(f"/booking/manage/{booking.code}/calendar.ics")
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in ics.content


def test_submitting_the_same_form_twice_books_once(browser, slots):
    page = form_page(browser, slots[0]).content.decode()
    first = submit(browser, slots[0], page)
    second = submit(browser, slots[0], page)
    assert first["Location"] == second["Location"]
    assert Booking.objects.count() == 1 and Slot.objects.get(pk=slots[0].pk).booked == 1


def test_a_post_without_csrf_is_refused(browser, slots):
    response = browser.post("/booking/", {"guide": GUIDE, "slot": slots[0].pk})
    assert response.status_code == 403 and not Booking.objects.exists()


def test_a_full_slot_shows_the_reason_on_the_form(browser, slots):
    page = form_page(browser, slots[0]).content.decode()  # rendered while places were left
    for n in range(slots[0].capacity):
        book(
            slots[0].pk,
            GUIDE,
            applicant("某人", id_number(100 + n), "13700000000"),
            Caller(Channel.API, address=f"10.0.1.{n}"),
            consent=CONSENT["consent"],
        )
    response = submit(browser, slots[0], page)
    html = response.content.decode()
    assert response.status_code == 400 and "约满" in html
    assert Booking.objects.count() == slots[0].capacity and Slot.objects.get(pk=slots[0].pk).booked == slots[0].capacity


def test_invalid_id_number_is_shown_beside_the_field(browser, slots):
    page = form_page(browser, slots[0]).content.decode()
    response = submit(browser, slots[0], page, id_number="330482198001011234")
    assert response.status_code == 400 and "校验码" in response.content.decode()


def manage(browser, code, n=1):
    page = browser.get("/booking/manage/").content.decode()
    return browser.post(
        "/booking/manage/",
        {"csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"), "code": code, "id_number": id_number(n)},
    )


def test_manage_needs_code_and_id_number_and_cancels_by_post(browser, slots):
    page = form_page(browser, slots[0]).content.decode()
    submit(browser, slots[0], page)
    code = Booking.objects.get().code
    stranger = Client(enforce_csrf_checks=True)
    assert stranger.get(f"/booking/manage/{code}/").status_code == 404  # not without code + ID number
    assert "未找到" in manage(stranger, code, n=2).content.decode()
    response = manage(stranger, code, n=1)
    assert response.status_code == 302 and response["Location"] == f"/booking/manage/{code}/"
    detail = stranger.get(response["Location"]).content.decode()
    assert code in detail and no_inline_script(detail)
    assert stranger.get(f"/booking/manage/{code}/cancel/").status_code == 405
    token = hidden(detail, "csrfmiddlewaretoken")
    asked = stranger.post(f"/booking/manage/{code}/cancel/", {"csrfmiddlewaretoken": token})
    assert asked.status_code == 200 and Booking.objects.get().status == "booked"  # asks once more
    page = asked.content.decode()
    assert "确定取消这个预约吗？" in page and 'name="confirm" value="1"' in page and code in page
    assert f'href="/booking/manage/{code}/"' in page  # no, keep it
    cancelled = stranger.post(
        f"/booking/manage/{code}/cancel/", {"csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"), "confirm": "1"}
    )
    assert cancelled.status_code == 302 and Booking.objects.get().status == "cancelled"
    again = stranger.get(cancelled["Location"]).content.decode()
    assert "再次预约" in again and ".ics" not in again
    assert f"/booking/?guide={Booking.objects.get().guide_code}&amp;centre=" in again


def test_reschedule_on_the_website(browser, slots):
    page = form_page(browser, slots[0]).content.decode()
    submit(browser, slots[0], page)
    code = Booking.objects.get().code
    detail = browser.get(f"/booking/manage/{code}/", {"centre": "city", "date": slots[1].date.isoformat()})
    html = detail.content.decode()
    assert f'value="{slots[1].pk}"' in html
    moved = browser.post(
        f"/booking/manage/{code}/reschedule/",
        {"csrfmiddlewaretoken": hidden(html, "csrfmiddlewaretoken"), "slot": slots[1].pk},
    )
    assert moved.status_code == 302 and Booking.objects.get().slot_id == slots[1].pk


def test_english_pages(browser, slots):
    html = browser.get(
        "/en/booking/", {"guide": GUIDE, "centre": "city", "date": slots[0].date.isoformat()}
    ).content.decode()
    assert "Book an appointment" in html and "places left" in html


def test_a_form_sent_without_a_time_comes_back_to_the_same_day_with_everything_typed(browser, slots):
    page = form_page(browser, slots[0]).content.decode()
    response = submit(browser, None, page, centre="city", date=slots[0].date.isoformat())
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="李四"' in html and 'value="13900001111"' in html and f'value="{id_number(1)}"' in html
    assert f'value="{slots[0].pk}"' in html  # the day's slots are offered again
    summary = html[html.index('class="error-summary"') : html.index("</div>", html.index('class="error-summary"'))]
    assert 'href="#slot"' in summary and 'id="slot"' in html
    assert not Booking.objects.exists()


def test_an_empty_form_names_every_missing_field_in_the_summary_and_next_to_it(browser, slots):
    page = form_page(browser, slots[0]).content.decode()
    response = submit(
        browser, None, page, name="", phone="", id_number="", centre="city", date=slots[0].date.isoformat()
    )
    html = response.content.decode()
    assert response.status_code == 400
    for anchor in ("#slot", "#id_name", "#id_phone", "#id_id_number"):
        assert f'href="{anchor}"' in html
    assert 'id="id_name-error"' in html and 'aria-describedby="id_name-error"' in html
    assert html.count('class="error-summary"') == 1


def test_the_slots_are_grouped_by_part_of_the_day_and_the_fields_help_phones(browser, slots):
    html = form_page(browser, slots[0]).content.decode()
    assert 'class="slot-grid"' in html and 'class="day-part"' in html
    assert 'type="tel"' in html and 'inputmode="tel"' in html and 'autocomplete="name"' in html
    assert re.search(r'name="id_number"[^>]*maxlength="18"', html)
