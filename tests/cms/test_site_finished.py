"""Pages that feel finished (issue 18, items 7 and 8): the 404 and 500 pages, the favicon, robots.txt and
sitemap.xml, and the large-text mode (长辈版) remembered in a cookie."""

import xml.etree.ElementTree as ET

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from cms.centres.models import CentrePage
from cms.services.models import ServiceGuidePage

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


# --- 404 and 500 ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "lang", "words", "search_action"),
    [
        ("/no-such-page/", "zh-Hans", ["找不到这个页面", "搜索办事指南", "12345"], 'action="/search/"'),
        ("/police/no-such-guide/", "zh-Hans", ["找不到这个页面"], 'action="/search/"'),
        ("/en/no-such-page/", "en", ["Page not found", "Search the service guides", "12345"], 'action="/en/search/"'),
    ],
)
def test_404_is_in_the_site_style_and_the_page_language(client, path, lang, words, search_action):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    assert 'class="site-header"' in html and "css/site.css" in html
    assert 'role="search"' in html and search_action in html and 'name="q"' in html
    assert 'href="tel:12345"' in html
    for word in words:
        assert word in html


@pytest.mark.parametrize(
    ("language", "lang", "words", "home"),
    [
        ("zh-hans", "zh-Hans", ["出错了", "搜索办事指南", "12345"], 'href="/"'),
        ("en", "en", ["Sorry, something went wrong", "Search the service guides"], 'href="/en/"'),
    ],
)
def test_500_renders_without_the_database(language, lang, words, home):
    """No django_db mark: any query here would fail the test. Django's own handler renders our 500.html."""
    request = RequestFactory().get("/en/broken/" if language == "en" else "/broken/")
    with translation.override(language):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{lang}">' in html
    assert home in html and 'role="search"' in html and 'href="tel:12345"' in html
    assert "css/site.css" in html and "favicon.svg" in html
    for word in words:
        assert word in html


# --- favicon, robots.txt, sitemap.xml ------------------------------------------------------------------------


@pytest.mark.django_db
def test_favicon_is_linked_and_served(client):
    html = client.get("/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in html and 'href="/favicon.ico"' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_robots_txt_names_the_sitemap_and_keeps_private_pages_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    for path in ["/admin/", "/api/", "/booking/", "/en/booking/", "/apply/", "/my/", "/en/my/"]:
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines  # the guides themselves stay open


@pytest.mark.django_db
def test_sitemap_lists_every_live_guide_and_centre_in_both_languages(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 — our own response
    entries = {u.findtext("s:loc", namespaces=SITEMAP_NS): u for u in root.findall("s:url", SITEMAP_NS)}
    guides = list(ServiceGuidePage.objects.live())
    centres = list(CentrePage.objects.live())
    assert len(entries) == 2 * (len(guides) + len(centres))
    guide = ServiceGuidePage.objects.live().get(code="330482-GA-001")
    zh = f"http://testserver{guide.url}"
    assert zh in entries and zh.replace("testserver/", "testserver/en/") in entries
    entry = entries[zh]
    assert entry.findtext("s:lastmod", namespaces=SITEMAP_NS) == guide.last_published_at.date().isoformat()
    alternates = {a.get("hreflang"): a.get("href") for a in entry.findall("x:link", SITEMAP_NS)}
    assert alternates["en"] == zh.replace("testserver/", "testserver/en/") and alternates["x-default"] == zh
    centre = CentrePage.objects.live().get(code="city")
    assert f"http://testserver{centre.url}" in entries
    assert not any("/booking/" in loc or "/admin/" in loc for loc in entries)


@pytest.mark.django_db
def test_sitemap_leaves_out_unpublished_guides(client):
    guide = ServiceGuidePage.objects.live().get(code="330482-GA-001")
    url = f"http://testserver{guide.url}"
    guide.unpublish()
    assert url.encode() not in client.get("/sitemap.xml").content


@pytest.mark.django_db
def test_sitemap_uses_site_url_when_set(client, settings):
    settings.SITE_URL = "https://zwfw.pinghu.example"
    body = client.get("/sitemap.xml").content.decode()
    assert "<loc>https://zwfw.pinghu.example/" in body and "testserver" not in body
    assert "Sitemap: https://zwfw.pinghu.example/sitemap.xml" in client.get("/robots.txt").content.decode()


# --- badges --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_badges_are_labels_not_controls(client):
    html = client.get("/police/330482-ga-001/").content.decode()
    badges = html[html.index('<ul class="badges">') : html.index("</ul>", html.index('<ul class="badges">'))]
    assert '<li class="badge' in badges and "<a " not in badges and "<button" not in badges


# --- 长辈版 ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "on_label", "off_label"), [("", "长辈版", "标准版"), ("/en", "Large text", "Standard text")]
)
def test_large_text_switch_is_a_link_that_is_remembered(client, prefix, on_label, off_label):
    page = f"{prefix}/police/330482-ga-001/?from=search"
    html = client.get(page).content.decode()
    assert 'class="large-text"' not in html
    switch = html[html.index('<div class="text-size">') :]
    assert on_label in switch[: switch.index("</div>")]
    response = client.get("/text-size/large/", {"next": page})
    assert response.status_code == 302 and response["Location"] == page
    cookie = response.cookies["text_size"]
    assert cookie.value == "large" and cookie["max-age"] == 365 * 24 * 3600 and cookie["samesite"] == "Lax"
    html = client.get(page).content.decode()  # the cookie is remembered on every page
    assert 'class="large-text"' in html
    assert off_label in html[html.index('<div class="text-size">') :][:300]
    assert 'class="large-text"' in client.get(f"{prefix}/centres/").content.decode()
    response = client.get("/text-size/standard/", {"next": page})
    assert response.status_code == 302 and response.cookies["text_size"].value == ""
    assert 'class="large-text"' not in client.get(page).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_large_text_switch_never_sends_elsewhere(client, next_url):
    response = client.get("/text-size/large/", {"next": next_url})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_large_text_switch_refuses_unknown_sizes(client):
    assert client.get("/text-size/huge/").status_code == 404
    assert client.post("/text-size/large/").status_code == 405
