"""Search stays true after a publish on every gunicorn worker: `make run` serves with several workers, each with
its own open searcher; a guide published by another process must be listed once, with a true `count`, by all."""

import json
import os
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.servers import Gunicorn, free_port, manage

pytestmark = pytest.mark.django_db

GUIDE = "330482-GA-003"
WORD = "鲸落"  # in no guide until the publish below

# Published by another process, as an editor's publish reaches the servers.
PUBLISH = f"""
from cms.services.models import ServiceGuidePage
page = ServiceGuidePage.objects.get(code="{GUIDE}").specific
page.summary = page.summary + "（{WORD}）"
page.save_revision().publish()
"""
# On PostgreSQL the served database is the suite's own: the guide gets its summary back.
RESTORE = PUBLISH.replace(f'page.summary + "（{WORD}）"', f'page.summary.replace("（{WORD}）", "")')


def search(url: str, q: str) -> dict:
    with urllib.request.urlopen(f"{url}/api/v1/guides?{urllib.parse.urlencode({'q': q})}", timeout=60) as answer:  # noqa: S310 — our own loopback server
        return json.loads(answer.read())


def searches_on_every_worker(url: str, q: str, n: int = 36) -> list[dict]:
    # Concurrent requests keep the workers busy together, so every one of them answers some.
    with ThreadPoolExecutor(max_workers=6) as pool:
        return list(pool.map(lambda _: search(url, q), range(n)))


def test_a_publish_is_listed_once_with_a_true_count_by_every_worker(database_url, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
    }
    manage(env, "rebuild_search_index")
    with Gunicorn(env, tmp_path, free_port(), workers=3) as server:
        before = searches_on_every_worker(server.url, "护照")  # every worker opens its searcher
        assert all(body["items"][0]["code"] == GUIDE for body in before)
        assert not any(body["count"] for body in searches_on_every_worker(server.url, WORD))

        manage(env, "shell", "-c", PUBLISH)
        try:
            for body in searches_on_every_worker(server.url, WORD):
                assert [item["code"] for item in body["items"]] == [GUIDE] and body["count"] == 1, body
            for body in searches_on_every_worker(server.url, "护照"):
                codes = [item["code"] for item in body["items"]]
                assert len(codes) == len(set(codes)) and body["count"] == before[0]["count"], body
            manage(env, "check_search_index")  # exits non-zero on a duplicate or stale document
        finally:
            manage(env, "shell", "-c", RESTORE)
