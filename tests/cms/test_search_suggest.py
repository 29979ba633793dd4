"""Search as you type (issue 18, item 9): /search/suggest/ answers the site's search boxes from guides/search,
in the page's language, and the boxes are wired to it while still working as plain forms."""

import logging
import shutil

import pytest

from cms.search import log as search_log
from cms.search import service
from cms.search.models import SearchLog
from cms.services.models import ServiceGuidePage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("身份", "居民身份证"),
        ("sfz", "居民身份证"),
        ("huzhao", "护照"),
    ],
)
def test_suggestions_follow_what_is_typed(client, q, expected):
    response = client.get("/search/suggest/", {"q": q})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["items"]) > 0
    assert len(body["items"]) <= 8
    for item in body["items"]:
        page = ServiceGuidePage.objects.live().get(code=item["code"])
        assert item["url"] == page.url and not item["url"].startswith("/en/")
        assert item["name"] == page.title
    if expected:
        assert any(expected in item["name"] for item in body["items"]), body


def test_suggestions_in_english_on_the_english_site(client):
    body = client.get("/en/search/suggest/", {"q": "passport"}).json()
    assert body["count"] > 0
    assert all(item["url"].startswith("/en/") for item in body["items"])
    assert any("assport" in item["name"] for item in body["items"]), body


@pytest.mark.parametrize("q", ["", "   "])
def test_nothing_typed_suggests_nothing(client, q):
    assert client.get("/search/suggest/", {"q": q}).json() == {"items": [], "count": 0}


def test_unpublished_guides_are_not_suggested(client):
    first = client.get("/search/suggest/", {"q": "sfz"}).json()["items"][0]
    ServiceGuidePage.objects.get(code=first["code"]).unpublish()
    assert first["code"] not in [i["code"] for i in client.get("/search/suggest/", {"q": "sfz"}).json()["items"]]


def test_half_typed_words_are_not_logged(client):
    search_log.flush()  # what earlier tests in this process searched for
    SearchLog.objects.filter(query="护照").delete()
    client.get("/search/suggest/", {"q": "护照"})
    search_log.flush()
    assert not SearchLog.objects.filter(query="护照").exists()
    client.get("/search/", {"q": "护照"})  # the same words searched are
    search_log.flush()
    assert SearchLog.objects.get(query="护照").searches == 1


def test_suggestions_without_an_index_come_from_the_database(client, settings, tmp_path, caplog):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    service.rebuild()
    shutil.rmtree(service.index().storage)
    service.index()._drop_searcher()
    with caplog.at_level(logging.WARNING, logger="cms.search.service"):
        body = client.get("/search/suggest/", {"q": "护照"}).json()
    assert body["items"][0]["code"] == "330482-GA-003", body  # the database's answer
    assert any("suggesting from the database" in r.getMessage() for r in caplog.records)
    assert service.index().exists()  # rebuilt (inline in tests)


@pytest.mark.parametrize(("path", "suggest_url"), [("/", "/search/suggest/"), ("/en/search/", "/en/search/suggest/")])
def test_search_boxes_are_wired_and_still_plain_forms(client, path, suggest_url):
    html = client.get(path).content.decode()
    form = html[html.index('role="search"') - 200 : html.index("</form>", html.index('role="search"'))]
    assert f'data-suggest-url="{suggest_url}"' in form
    assert 'method="get"' in form and 'name="q"' in form and 'type="submit"' in form
    assert '<script src="/static/js/suggest.js" defer></script>' in html
    csp = client.get(path)["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp
