"""cms.search.log: what citizens searched for, masked, per week; the admin page that shows editors what
they could not find and adds a synonym in one click."""

import datetime as dt
import re

import pytest
import time_machine

from cms.search import log as search_log
from cms.search.models import SearchLog, Synonym
from tests.support.clock import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _written_at_once(monkeypatch):
    """Counts are written on every search here (in service every FLUSH_EVERY seconds); counts other
    tests left in memory are written first, so each test starts from what its own searches add."""
    monkeypatch.setattr(search_log, "FLUSH_EVERY", 0.0)
    search_log.flush()
    SearchLog.objects.all().delete()


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("editor", "editor@example.org", "pw"))
    return client


def rows() -> dict[str, SearchLog]:
    return {r.query: r for r in SearchLog.objects.all()}


def open_links(html: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in re.findall(r'<li>\s*<h2><a href="([^"]+)"', html)]


def test_a_search_on_the_website_is_counted_without_personal_data(client):
    client.get("/search/", {"q": "王小明 330482199001011234 身份证丢了 13812345678"})
    client.get("/search/", {"q": "王小明 330482199001011234 身份证丢了 13812345678"})
    (row,) = SearchLog.objects.all()
    assert row.query == "[姓名] [身份证号] 身份证丢了 [电话]"
    assert (row.searches, row.empty, row.week) == (2, 0, search_log.week_of(row.week))
    assert row.week.weekday() == 0 and row.results > 0
    assert not re.search(r"\d{5}", row.query) and "王小明" not in row.query


def test_a_search_that_finds_nothing_is_counted_as_such(client):
    client.get("/search/", {"q": "无人机"})
    assert (rows()["无人机"].empty, rows()["无人机"].results) == (1, 0)


def test_the_next_page_of_a_search_is_not_another_search(client):
    client.get("/search/", {"q": "登记"})
    client.get("/search/", {"q": "登记", "page": "2"})
    assert rows()["登记"].searches == 1


def test_an_api_search_is_counted_once_per_search(client):
    client.get("/api/v1/guides", {"q": "护照"})
    client.get("/api/v1/guides", {"q": "护照", "offset": "5"})
    client.get("/api/v1/guides")  # a list, not a search
    assert {q: r.searches for q, r in rows().items()} == {"护照": 1}


def test_opening_a_result_is_counted_and_leads_to_the_guide(client):
    html = client.get("/search/", {"q": "张伟 护照"}).content.decode()
    link = open_links(html)[0]
    assert "张伟" not in link and "guide=330482-GA-003" in link  # the masked query, never the typed one
    response = client.get(link)
    assert response.status_code == 302 and response["Location"].endswith("/330482-ga-003/")
    assert rows()["[姓名] 护照"].opened == 1


def test_a_link_cannot_add_a_query_to_the_log(client):
    response = client.get("/search/open/", {"q": "广告", "guide": "330482-GA-003"})
    assert response.status_code == 302 and not SearchLog.objects.exists()
    assert client.get("/search/open/", {"q": "广告", "guide": "nothing"}).status_code == 404


def test_counts_wait_in_memory_until_the_next_write(client, monkeypatch):
    monkeypatch.setattr(search_log, "FLUSH_EVERY", 3600.0)
    client.get("/search/", {"q": "护照"})
    assert not SearchLog.objects.exists()
    search_log.flush()
    assert rows()["护照"].searches == 1


def test_weeks_are_kept_90_days():
    with time_machine.travel(at("2026-08-03 10:00"), tick=False):  # a Monday
        search_log.record_search("无人机", 0)
    with time_machine.travel(at("2026-09-01 10:00"), tick=False):
        search_log.record_search("无人机", 0)
    assert SearchLog.objects.count() == 2
    with time_machine.travel(at("2026-11-01 10:00"), tick=False):  # the first week began 90 days ago
        search_log.record_search("护照", 3)
    assert sorted(r.week for r in SearchLog.objects.all()) == [dt.date(2026, 8, 31), dt.date(2026, 10, 26)]


def test_the_admin_page_lists_what_was_not_found_and_seldom_opened(client, editor):
    for _ in range(3):
        client.get("/search/", {"q": "无人机"})
    for _ in range(5):
        client.get("/search/", {"q": "出生"})  # found, never opened
    client.get("/search/", {"q": "护照"})
    html = editor.get("/admin/search-log/").content.decode()
    not_found, few_opened = html.split("Found nothing", 1)[1].split("Results seldom opened", 1)
    assert "无人机" in not_found and "出生" not in not_found
    assert "出生" in few_opened and "无人机" not in few_opened
    assert "护照" not in html.split("Found nothing", 1)[1]  # searched once: too few to judge
    assert 'list="official-names"' in html and "居民身份证申领/换领/补领" in html


def test_one_click_adds_a_synonym_and_search_finds_the_guide(client, editor, django_capture_on_commit_callbacks):
    client.get("/search/", {"q": "小本生意"})
    week = SearchLog.objects.get().week.isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            "/admin/search-log/", {"term": "小本生意", "official": "个体工商户设立登记", "week": week}
        )
    assert response.status_code == 302 and response["Location"].endswith(f"?week={week}")
    assert Synonym.objects.filter(term="小本生意", official="个体工商户设立登记").exists()
    assert "330482-ss-002" in open_links(client.get("/search/", {"q": "小本生意"}).content.decode())[0].lower()


def test_a_synonym_equal_to_its_term_is_refused_with_a_message(editor):
    response = editor.post("/admin/search-log/", {"term": "护照", "official": "护照", "week": ""}, follow=True)
    assert not Synonym.objects.filter(term="护照", official="护照").exists()
    assert "official name must differ" in response.content.decode()


def test_only_editors_who_may_add_synonyms_can(client, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", "viewer@example.org", "pw")
    viewer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(viewer)
    assert client.get("/admin/search-log/").status_code == 200
    refused = client.post("/admin/search-log/", {"term": "小本生意", "official": "个体工商户"})
    assert refused.status_code == 302 and refused["Location"] == "/admin/"  # Wagtail's answer to PermissionDenied
    assert not Synonym.objects.filter(term="小本生意").exists()


def test_one_click_adds_a_keyword_to_a_guide_and_search_finds_it(client, editor, django_capture_on_commit_callbacks):
    from cms.services.models import ServiceGuidePage

    assert not open_links(client.get("/search/", {"q": "煎饼摊"}).content.decode())  # found nothing
    week = SearchLog.objects.get().week.isoformat()
    assert 'list="guide-codes"' in editor.get("/admin/search-log/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            "/admin/search-log/", {"add": "keyword", "term": "煎饼摊", "guide": "330482-SS-002", "week": week}
        )
    assert response.status_code == 302 and response["Location"].endswith(f"?week={week}")
    page = ServiceGuidePage.objects.get(code="330482-SS-002")
    assert "煎饼摊" in [block.value for block in page.keywords] and not page.has_unpublished_changes
    assert "330482-ss-002" in open_links(client.get("/search/", {"q": "煎饼摊"}).content.decode())[0].lower()


def test_a_keyword_is_not_published_over_a_draft_nor_by_who_may_not_publish(client, editor, django_user_model):
    from django.contrib.auth.models import Permission

    from cms.services.models import ServiceGuidePage

    page = ServiceGuidePage.objects.get(code="330482-SS-002")
    draft = page.get_latest_revision_as_object()
    draft.summary = "编辑中的草稿"
    draft.save_revision()
    answer = editor.post("/admin/search-log/", {"add": "keyword", "term": "摆摊", "guide": page.code}, follow=True)
    assert "has unpublished changes" in answer.content.decode()
    page.refresh_from_db()
    assert "摆摊" not in [block.value for block in page.keywords] and page.has_unpublished_changes

    viewer = django_user_model.objects.create_user("viewer", "viewer@example.org", "pw")
    viewer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(viewer)
    refused = client.post("/admin/search-log/", {"add": "keyword", "term": "摆摊", "guide": "330482-GA-001"})
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert "摆摊" not in [b.value for b in ServiceGuidePage.objects.get(code="330482-GA-001").keywords]
