"""The website's search page at /search/ (no JavaScript needed) and the synonym admin."""

import html as html_module
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from cms.search.models import Synonym
from cms.services.models import ServiceGuidePage

pytestmark = pytest.mark.django_db


def result_links(html: str) -> list[str]:
    """The guide pages the results lead to (through /search/open/, which counts an opened result)."""
    links = [html_module.unescape(link) for link in re.findall(r'<li>\s*<h2><a href="([^"]+)"', html)]
    codes = [parse_qs(urlsplit(link).query)["guide"][0] for link in links]
    assert all(link.startswith("/search/open/?") for link in links)
    return [ServiceGuidePage.objects.get(code=code).url for code in codes]


def test_the_form_alone_without_a_query(client):
    response = client.get("/search/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="q"' in html and 'name="category"' in html and "<ol" not in html


def test_results_with_highlights(client):
    html = client.get("/search/", {"q": "身份证"}).content.decode()
    links = result_links(html)
    assert links[0].endswith("/330482-ga-001/")  # the card, not the temporary card
    assert "<mark>身份证</mark>" in html or "<mark>居民身份证</mark>" in html
    assert 'value="身份证"' in html  # the query stays in the box


@pytest.mark.parametrize(
    ("q", "first"), [("sfz", "330482-ga-00"), ("passport", "330482-ga-003"), ("开公司", "330482-ss-001")]
)
def test_pinyin_english_and_colloquial_queries(client, q, first):
    assert first in result_links(client.get("/search/", {"q": q}).content.decode())[0]


def test_did_you_mean(client):
    html = client.get("/search/", {"q": "身分证"}).content.decode()
    assert 'class="did-you-mean"' in html and "?q=%E8%BA%AB%E4%BB%BD%E8%AF%81" in html  # 身份证
    assert result_links(html)


def test_category_filter(client):
    everything = client.get("/search/", {"q": "居民身份证"}).content.decode()
    police = client.get("/search/", {"q": "居民身份证", "category": "police"}).content.decode()
    assert 0 < len(result_links(police)) <= len(result_links(everything))
    assert all("/police/" in link for link in result_links(police))
    assert '<option value="police" selected>' in police


def test_an_unknown_category_is_ignored(client):
    response = client.get("/search/", {"q": "护照", "category": "nonsense"})
    assert response.status_code == 200 and result_links(response.content.decode())


def test_no_results_says_so_and_offers_a_way_on(client):
    html = client.get("/search/", {"q": "xqzvbnm"}).content.decode()
    assert 'class="no-results"' in html and "12345" in html


def test_pages_of_results(client):
    first = client.get("/search/", {"q": "登记"}).content.decode()
    second = client.get("/search/", {"q": "登记", "page": 2}).content.decode()
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert result_links(first) and result_links(second) and not set(result_links(first)) & set(result_links(second))
    assert client.get("/search/", {"q": "登记", "page": "x"}).status_code == 200


def test_markup_in_the_query_is_escaped(client):
    html = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html


def test_the_english_site(client):
    response = client.get("/en/search/", {"q": "passport"})
    html = response.content.decode()
    assert response.status_code == 200 and "<mark>Passport</mark>" in html


def test_the_home_page_search_box_leads_here(client):
    assert 'action="/search/"' in client.get("/").content.decode()


def test_editors_manage_synonyms_in_the_admin(client, django_user_model):
    editor = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(editor)
    listing = client.get("/admin/snippets/search/synonym/")
    assert listing.status_code == 200 and "上户口" in listing.content.decode()
    response = client.post(
        "/admin/snippets/search/synonym/add/", {"term": "小本生意", "official": "个体工商户", "note": ""}
    )
    assert response.status_code == 302
    assert Synonym.objects.filter(term="小本生意", official="个体工商户").exists()
    same = client.post("/admin/snippets/search/synonym/add/", {"term": "护照", "official": "护照", "note": ""})
    assert same.status_code == 200 and not Synonym.objects.filter(term="护照", official="护照").exists()
