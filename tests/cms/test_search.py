"""cms.search: the API's q, index upkeep through signals and commands, the database fallback, synonyms.

Tests that change the index give it a directory of their own (`own_index`), so the shared index the
session built from the demo catalogue stays true for every other test."""

import datetime as dt
import io
import json
import logging
import shutil

import pytest
import time_machine
from django.core.management import CommandError, ManagementUtility, call_command
from whoosh.util.filelock import FileLock

from cms.search import service
from cms.search.models import Synonym
from cms.services.models import GuideIndexPage, ServiceGuidePage
from guides import clock
from guides.search import DEFAULT_SYNONYMS
from guides.search.synonyms import LIFE_EVENT_SYNONYMS

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_index(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    service.rebuild()
    return service.index()


def api_codes(client, **params) -> list[str]:
    response = client.get("/api/v1/guides", params)
    assert response.status_code == 200
    return [item["code"] for item in response.json()["items"]]


def indexed(code: str) -> bool:
    return code in service.index().fingerprints()


# --- the API -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("身份证", {"330482-GA-001"}),  # the card, not the temporary card
        ("shenfenzheng", {"330482-GA-001"}),
        ("sfz", {"330482-GA-001"}),
        ("身份证过期了", {"330482-GA-001"}),  # through the editors' synonyms (过期 → 到期)
        ("身份证急用", {"330482-GA-002"}),
        ("passport", {"330482-GA-003"}),
        ("房产证丢了", {"330482-BDC-005"}),
        ("开公司", {"330482-SS-001"}),
        ("营业职照", {"330482-SS-006"}),
    ],
)
def test_api_search_ranks_the_right_guide_first(client, q, first):
    assert api_codes(client, q=q)[0] in first


def test_api_search_keeps_the_list_shape_and_adds_highlights(client):
    body = client.get("/api/v1/guides", {"q": "护照"}).json()
    assert set(body) == {"items", "count"}
    item = body["items"][0]
    assert {"code", "name", "name_en", "category", "category_slug", "url", "highlight"} <= set(item)
    assert item["code"] == "330482-GA-003" and "<mark>护照</mark>" in item["highlight"]
    assert body["count"] >= len(body["items"])


def test_api_search_pages_through_the_ranking(client):
    whole = api_codes(client, q="登记", limit=10)
    assert api_codes(client, q="登记", limit=5) + api_codes(client, q="登记", limit=5, offset=5) == whole


@pytest.mark.parametrize("category", ["police", "公安服务"])
def test_api_search_with_a_category(client, category):
    body = client.get("/api/v1/guides", {"q": "居民身份证", "category": category, "limit": 100}).json()
    assert body["items"] and {i["category"] for i in body["items"]} == {"公安服务"}


def test_api_search_with_a_centre(client):
    codes = api_codes(client, q="登记", centre="shantang", limit=100)
    assert codes and all(
        ServiceGuidePage.objects.get(code=c).centre_links.filter(centre__code="shantang") for c in codes
    )


def test_api_search_with_a_bad_category_is_the_error_shape(client):
    response = client.get("/api/v1/guides", {"q": "身份证", "category": "户籍"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"


def test_api_search_that_finds_nothing(client):
    assert client.get("/api/v1/guides", {"q": "xqzvbnm"}).json() == {"items": [], "count": 0}


# --- keeping the index true -------------------------------------------------------------------------------


def test_the_session_index_holds_every_live_guide():
    assert service.differences() == {"missing": [], "stale": [], "extra": []}


def test_publish_updates_the_index(own_index, django_capture_on_commit_callbacks):
    page = ServiceGuidePage.objects.get(code="330482-GA-003")
    page.title = "普通护照签发（因私出国）"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert [h.code for h in own_index.search("因私出国", limit=1).hits] == ["330482-GA-003"]
    assert service.differences()["stale"] == []


def test_unpublish_and_republish(own_index, django_capture_on_commit_callbacks):
    page = ServiceGuidePage.objects.get(code="330482-GA-003")
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert not indexed("330482-GA-003")
    with django_capture_on_commit_callbacks(execute=True):
        page.get_latest_revision().publish()
    assert indexed("330482-GA-003")


def test_move_keeps_the_guide_findable(own_index, django_capture_on_commit_callbacks):
    page = ServiceGuidePage.objects.get(code="330482-QT-004")
    target = GuideIndexPage.objects.get(category="商事登记")
    with django_capture_on_commit_callbacks(execute=True):
        page.move(target, pos="last-child")
    assert indexed("330482-QT-004")
    assert "330482-QT-004" in [h.code for h in own_index.search("发票").hits]


def test_delete_removes_the_guide(own_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ServiceGuidePage.objects.get(code="330482-GA-003").delete()
    assert not indexed("330482-GA-003")
    assert service.differences() == {"missing": [], "stale": [], "extra": []}


def test_a_busy_index_never_fails_a_publish(own_index, settings, django_capture_on_commit_callbacks):
    settings.SEARCH_INDEX_LOCK_TIMEOUT = 0.1
    service.index().lock_timeout = 0.1
    page = ServiceGuidePage.objects.get(code="330482-GA-003")
    lock = FileLock(str(own_index.directory / "write.lock"))
    assert lock.acquire()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            page.unpublish()  # the index is held by another writer: the change is queued
        assert own_index.pending() and indexed("330482-GA-003")
    finally:
        lock.release()
    call_command("rebuild_search_index", "--if-needed", stdout=io.StringIO())  # the periodic upkeep
    assert not own_index.pending() and not indexed("330482-GA-003")


# --- commands ------------------------------------------------------------------------------------------------


def test_rebuild_command(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "fresh"
    out = io.StringIO()
    call_command("rebuild_search_index", "--workers", "1", stdout=out)
    assert f"rebuilt: {ServiceGuidePage.objects.live().count()} guides" in out.getvalue()
    assert service.index().exists()


def test_rebuild_if_needed_leaves_a_current_index_alone(own_index):
    generation = own_index.storage.stat().st_mtime_ns, sorted(p.name for p in own_index.storage.iterdir())
    out = io.StringIO()
    call_command("rebuild_search_index", "--if-needed", "-v", "2", stdout=out)
    assert "current" in out.getvalue()
    assert (own_index.storage.stat().st_mtime_ns, sorted(p.name for p in own_index.storage.iterdir())) == generation


def test_rebuild_if_needed_builds_a_missing_index(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "missing"
    out = io.StringIO()
    call_command("rebuild_search_index", "--if-needed", stdout=out)
    assert "rebuilt" in out.getvalue() and service.index().exists()


def test_check_passes_when_index_and_database_agree(own_index):
    out = io.StringIO()
    call_command("check_search_index", stdout=out)
    assert "matches" in out.getvalue()


@pytest.mark.parametrize("change", ["missing", "stale", "extra"])
def test_check_fails_on_each_kind_of_difference(own_index, change):
    page = ServiceGuidePage.objects.get(code="330482-GA-003")
    if change == "missing":
        own_index.delete([page.code])
    elif change == "stale":
        ServiceGuidePage.objects.filter(pk=page.pk).update(summary="改过的概述，但没有重建索引。")
    else:
        ServiceGuidePage.objects.filter(pk=page.pk).update(live=False)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_search_index", stdout=out)
    assert "330482-GA-003" in out.getvalue()


def test_check_fails_without_an_index(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "none"
    with pytest.raises(CommandError, match="missing"):
        call_command("check_search_index", stdout=io.StringIO())


def test_check_exits_non_zero_on_a_mismatch(own_index, capsys):
    own_index.delete(["330482-GA-003"])
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "check_search_index"]).execute()
    assert exit_info.value.code == 1
    assert "330482-GA-003" in capsys.readouterr().out


# --- a missing or broken index ----------------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["deleted", "corrupt"])
def test_a_broken_index_falls_back_to_the_database_then_rebuilds(own_index, caplog, damage):
    if damage == "deleted":
        shutil.rmtree(own_index.storage)
    else:
        for f in own_index.storage.iterdir():
            f.write_bytes(b"not an index")
    own_index._drop_searcher()
    with caplog.at_level(logging.WARNING, logger="cms.search.service"):
        results = service.search_guides("护照")
    assert results.hits[0].code == "330482-GA-003"  # the database's answer
    assert any("answering from the database" in r.getMessage() for r in caplog.records)
    assert own_index.exists()  # rebuilt (inline in tests, a background thread in production)
    assert service.differences() == {"missing": [], "stale": [], "extra": []}


@pytest.mark.parametrize(
    ("q", "expected"),
    [("护照", "330482-GA-003"), ("开公司", "330482-SS-001"), ("身份证丢了怎么办", "330482-GA-001")],
)
def test_the_database_fallback_uses_words_and_synonyms(q, expected):
    results = service.database_search(q)
    assert expected in [h.code for h in results.hits[:5]]
    assert results.total >= len(results.hits)


def test_the_database_fallback_filters():
    results = service.database_search("居民身份证", category="不动产登记", limit=100)
    assert results.hits and {h.category for h in results.hits} == {"不动产登记"}


# --- synonyms -----------------------------------------------------------------------------------------------------


def test_the_migration_seeds_the_common_synonyms():
    rows = set(Synonym.objects.values_list("term", "official"))
    assert set(DEFAULT_SYNONYMS) <= rows and len(rows) >= 36
    assert ("上户口", "出生登记") in rows and ("房产证", "不动产权证书") in rows
    assert set(LIFE_EVENT_SYNONYMS) <= rows and ("急用", "临时") in rows


def test_an_editors_synonym_changes_search_at_once(own_index, django_capture_on_commit_callbacks):
    assert own_index.search("小本生意", limit=5).hits[:1] != ["330482-SS-002"]
    with django_capture_on_commit_callbacks(execute=True):
        synonym = Synonym.objects.create(term="小本生意", official="个体工商户")
    assert [h.code for h in own_index.search("小本生意", limit=1).hits] == ["330482-SS-002"]
    with django_capture_on_commit_callbacks(execute=True):
        synonym.delete()
    assert "小本生意" not in own_index.synonyms()


def test_a_synonym_must_differ_from_its_term():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Synonym(term="护照 ", official="护照").full_clean()


# --- following the change feed (each node its own index) -----------------------------------------------------


def _changed_without_index(code: str, summary: str) -> None:
    """A guide changed and recorded in the feed by another node: this node's index was not told."""
    from cms.changes.feed import record_change

    ServiceGuidePage.objects.filter(code=code).update(summary=summary)
    record_change("guide", code, "published")


def test_a_node_follows_the_changes_another_node_published(own_index):
    _changed_without_index("330482-GA-003", "出国旅游前办理普通护照，极光观测团也要。")
    assert not own_index.search("极光").hits
    assert service.follow() == 1
    assert [h.code for h in own_index.search("极光").hits] == ["330482-GA-003"]
    assert service.follow() == 0  # the cursor moved on


def test_a_node_follows_the_editors_synonyms(own_index):
    Synonym.objects.create(term="小本生意", official="个体工商户")  # committed on another node: no callback here
    assert "小本生意" not in own_index.synonyms()
    service.follow()
    assert own_index.synonyms()["小本生意"] == ("个体工商户",)


@pytest.mark.parametrize("cursor", ["unknown", "behind"])
def test_a_node_that_lost_its_place_rebuilds_by_itself(own_index, monkeypatch, cursor):
    _changed_without_index("330482-GA-003", "出国旅游前办理普通护照，极光观测团也要。")
    if cursor == "unknown":  # a cursor from another database (restored, reset)
        (own_index.directory / service.CURSOR_FILE).write_text('{"cursor": 999999999}')
    else:
        monkeypatch.setattr(service, "FOLLOW_AT_MOST", 0)
    service.follow()  # rebuilds (inline in tests)
    assert [h.code for h in own_index.search("极光").hits] == ["330482-GA-003"]
    assert json.loads((own_index.directory / service.CURSOR_FILE).read_text())["cursor"] == service._last_change()

    def not_again(codes=None):
        raise AssertionError("rebuilt a second time")
        yield

    monkeypatch.setattr(service, "live_guides", not_again)  # read only by a rebuild that goes ahead
    service.request_rebuild("another worker saw it lost before the rebuild", healthy_too=True)


def test_check_allows_a_following_node_its_lag(own_index):
    _changed_without_index("330482-GA-003", "改过的概述，这个节点还没跟上。")
    out = io.StringIO()
    call_command("check_search_index", stdout=out)  # changed just now: within the allowed lag
    assert "matches" in out.getvalue()
    later = clock.now() + dt.timedelta(seconds=service.ALLOWED_LAG + 1)
    with time_machine.travel(later, tick=False), pytest.raises(CommandError):
        call_command("check_search_index", stdout=io.StringIO())
