"""A NUL character (U+0000) anywhere a request carries text is a 400 with the field, never a 500:
PostgreSQL cannot take one (schemathesis found `GET /api/v1/slots?guide=%00` answering 500 there)."""

import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/slots?guide=330482-GA-001%00&centre=city&date=2026-12-01", "guide"),
        ("/api/v1/guides?q=%E8%BA%AB%00", "q"),
        ("/api/v1/guides/330482-GA-001%00", "path"),
    ],
)
def test_api_reads_refuse_nul_in_the_path_or_query(client, path, field):
    response = client.get(path)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"] == {field: "contains U+0000"}


def test_a_json_body_with_nul_is_refused_before_it_reaches_the_database(client):
    body = {"slot": 1, "guide": "330482-GA-001", "name": "张\u0000三", "phone": "13900001111", "id_number": "x"}
    response = client.post("/api/v1/bookings", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_pages_refuse_nul_in_a_query_or_form(client):
    assert client.get("/search/", {"q": "身份\x00证"}).status_code == 400
    form = "code=AB%00CD&id_number=x"
    assert client.post("/booking/manage/", form, content_type="application/x-www-form-urlencoded").status_code == 400


def test_a_value_the_database_cannot_hold_is_a_400_not_a_500(client):
    # A slot id past a 64-bit integer, which neither database can compare with a key.
    huge = {"slot": 2**70, "guide": "330482-GA-001", "name": "张三", "phone": "13900001111", "id_number": "x"}
    response = client.post("/api/v1/bookings", json.dumps(huge), content_type="application/json")
    assert response.status_code == 400


def test_ordinary_text_passes(client):
    assert client.get("/api/v1/guides", {"q": "身份证"}).status_code == 200
