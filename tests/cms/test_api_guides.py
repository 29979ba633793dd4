"""`/api/v1/guides` and `/api/v1/guides/{code}`: the shapes of DESIGN.md §6 and the error shape."""

import pytest

from guides.files import CATALOGUE_DIR, guide_paths, load_guide_file
from tests.support.api import assert_error

pytestmark = pytest.mark.django_db
CATALOGUE = guide_paths([CATALOGUE_DIR])


def test_list_has_items_and_count(client):
    body = client.get("/api/v1/guides", {"limit": 100}).json()
    assert body["count"] == len(CATALOGUE) == len(body["items"])
    item = next(i for i in body["items"] if i["code"] == "330482-GA-001")
    assert item["name"] == "居民身份证申领/换领/补领"
    assert item["category"] == "公安服务" and item["category_slug"] == "police"
    assert item["name_en"].startswith("Application")
    assert item["url"].endswith("/police/330482-ga-001/")


def test_pagination_windows_the_same_ordering(client):
    all_codes = [i["code"] for i in client.get("/api/v1/guides", {"limit": 100}).json()["items"]]
    page = client.get("/api/v1/guides", {"limit": 5, "offset": 5}).json()
    assert page["count"] == len(all_codes)
    assert [i["code"] for i in page["items"]] == all_codes[5:10]


@pytest.mark.parametrize("category", ["police", "公安服务"])
def test_category_filter_takes_slug_or_chinese_name(client, category):
    body = client.get("/api/v1/guides", {"category": category, "limit": 100}).json()
    expected = sum(1 for p in CATALOGUE if load_guide_file(p).category == "公安服务")
    assert body["count"] == expected > 0
    assert {i["category"] for i in body["items"]} == {"公安服务"}


def test_centre_filter(client):
    body = client.get("/api/v1/guides", {"centre": "shantang", "limit": 100}).json()
    expected = {p.stem for p in CATALOGUE if "shantang" in load_guide_file(p).centres}
    assert {i["code"] for i in body["items"]} == expected


def test_q_finds_by_name(client):
    body = client.get("/api/v1/guides", {"q": "身份证"}).json()
    assert "330482-GA-001" in {i["code"] for i in body["items"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "户籍"}, "category"),
        ({"limit": 0}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
def test_bad_parameters_get_the_error_shape(client, params, field):
    assert_error(client.get("/api/v1/guides", params), 400, "invalid", field)


def test_detail_has_every_standard_field(client):
    body = client.get("/api/v1/guides/330482-GA-001").json()
    guide = load_guide_file(CATALOGUE_DIR / "330482-GA-001.yaml")
    for field in type(guide).model_fields:
        assert field in body, field
    assert body["statutory_days"] == guide.statutory_days and body["committed_days"] == guide.committed_days
    assert body["materials"][0]["from_licence_library"] is True
    assert body["fees"]["items"][1]["amount"] in (40, "40", "40.00")
    assert body["url"].endswith("/police/330482-ga-001/")


def test_detail_code_is_case_insensitive(client):
    assert client.get("/api/v1/guides/330482-ga-001").status_code == 200


def test_unknown_code_is_404_with_the_error_shape(client):
    assert_error(client.get("/api/v1/guides/330482-XX-999"), 404, "not_found")


def test_unpublished_guide_is_not_served(client):
    from cms.services.models import ServiceGuidePage

    ServiceGuidePage.objects.get(code="330482-GA-001").unpublish()
    assert client.get("/api/v1/guides/330482-GA-001").status_code == 404
    codes = {i["code"] for i in client.get("/api/v1/guides", {"limit": 100}).json()["items"]}
    assert "330482-GA-001" not in codes


def test_openapi_lists_the_paths(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/guides" in spec["paths"] and "/api/v1/guides/{code}" in spec["paths"]
