"""The API speaks both languages (issue 21): wherever a booking or application body names a guide, a centre or
a department, it gives the Chinese and the English side by side, so a kiosk or an app shows one language
without a catalogue of its own. Bookings and applications keep the guide's English name as made."""

import uuid

import pytest

from cms.applications.models import Application
from cms.bookings.models import Booking
from cms.centres.models import CentrePage
from cms.services.models import ServiceGuidePage
from guides.validate import CHINESE
from tests.cms.test_applications import delivery_for, files_for, form_of, person
from tests.support.bookings import CONSENT, id_number

pytestmark = pytest.mark.django_db

GUIDE, APPLY = "330482-GA-001", "330482-GA-004"  # bookable; applied for online with pickup at a centre
# (zh field, en field) of each language: the field a caller reads for it
FIELD = {"zh": "{}", "en": "{}_en"}


def _name(key: str, lang: str) -> str:
    return FIELD[lang].format(key)


def _speaks(value: str, lang: str) -> None:
    assert value, "empty"
    assert bool(CHINESE.search(value)) is (lang == "zh"), value


def _book(client, kiosk, slot) -> dict:
    response = client.post(
        "/api/v1/bookings",
        {"slot": slot.pk, "guide": GUIDE, "name": "张三", "phone": "13812345678", "id_number": id_number(1), **CONSENT},
        content_type="application/json",
        headers={
            "Authorization": f"Bearer {kiosk}",
            "X-Id-Number-Source": "card",
            "Idempotency-Key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def _apply(client) -> dict:
    form = form_of(APPLY)
    data = {"guide": APPLY, **person(), **delivery_for(form), **files_for(form)}
    response = client.post("/api/v1/applications", data=data)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_booking_names_its_guide_and_centre_in_both_languages(client, kiosk, slots, lang):
    made = _book(client, kiosk, slots[0])
    read = client.get(f"/api/v1/bookings/{made['code']}", headers={"X-Id-Number": id_number(1)}).json()
    guide, centre = ServiceGuidePage.objects.get(code=GUIDE), slots[0].centre
    for body in (made, read):
        assert body["guide"][_name("name", lang)] == (guide.title if lang == "zh" else guide.name_en)
        assert body["centre"][_name("name", lang)] == (centre.title if lang == "zh" else centre.name_en)
        assert body["centre"][_name("address", lang)] == (centre.address if lang == "zh" else centre.address_en)
        for key in ("name", "address"):
            _speaks(body["centre"][_name(key, lang)], lang)
        _speaks(body["guide"][_name("name", lang)], lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_application_names_its_guide_department_and_pickup_centre_in_both_languages(client, lang):
    made = _apply(client)
    read = client.get(f"/api/v1/applications/{made['receipt']}", headers={"X-Id-Number": person()["id_number"]})
    assert read.status_code == 200, read.content
    guide = ServiceGuidePage.objects.get(code=APPLY)
    for body in (made, read.json()):
        _speaks(body["guide"][_name("name", lang)], lang)
        _speaks(body[_name("department", lang)], lang)
        assert body[_name("department", lang)] == (guide.department.name if lang == "zh" else guide.department.name_en)
        centre = body["delivery"]["centre"]
        assert centre is not None, "the form offers pickup: a centre is named"
        _speaks(centre[_name("name", lang)], lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_application_form_names_its_guide_and_centres_in_both_languages(client, lang):
    body = client.get(f"/api/v1/applications/forms/{APPLY}").json()
    _speaks(body[_name("name", lang)], lang)
    assert body["centres"]
    for centre in body["centres"]:
        _speaks(centre[_name("name", lang)], lang)
        assert centre[_name("name", lang)] == getattr(
            CentrePage.objects.get(code=centre["id"]), "title" if lang == "zh" else "name_en"
        )


def test_a_booking_and_an_application_keep_the_english_name_they_were_made_with(client, kiosk, slots):
    made, applied = _book(client, kiosk, slots[0]), _apply(client)
    ServiceGuidePage.objects.filter(code__in=[GUIDE, APPLY]).update(name_en="Renamed later")
    before = {GUIDE: made["guide"]["name_en"], APPLY: applied["guide"]["name_en"]}
    assert Booking.objects.get(code=made["code"]).guide_name_en == before[GUIDE] != "Renamed later"
    assert Application.objects.get(receipt=applied["receipt"]).guide_name_en == before[APPLY] != "Renamed later"
    read = client.get(f"/api/v1/bookings/{made['code']}", headers={"X-Id-Number": id_number(1)}).json()
    assert read["guide"]["name_en"] == before[GUIDE]
