"""Several app servers, each with its own search index, sharing nothing but the database: each follows
the change feed, so a guide published anywhere is found on every node within seconds."""

import json
import os
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.support.servers import Gunicorn, free_port, manage

pytestmark = pytest.mark.django_db

CATALOGUE = Path(__file__).resolve().parents[2] / "guides" / "catalogue"
NEW_WORDS = "冰岛极光"  # in no guide until the publish


def node_env(database_url: str, data_dir: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",  # each process its own index directory
        "PERIODIC_JOBS": "0",
    }


def found(url: str, q: str) -> list[str]:
    with urllib.request.urlopen(f"{url}/api/v1/guides?{urllib.parse.urlencode({'q': q})}", timeout=30) as response:  # noqa: S310
        return [item["code"] for item in json.load(response)["items"]]


def test_a_publish_is_found_on_every_node_within_5_seconds(database_url, tmp_path):
    nodes = [Gunicorn(node_env(database_url, tmp_path / name), tmp_path / name, free_port(), 1) for name in "ab"]
    for n, node in enumerate(nodes):
        (tmp_path / "ab"[n]).mkdir()
        node.__enter__()
    try:
        for node in nodes:
            assert "330482-GA-003" in found(node.url, "护照")  # each node has built its own index
            assert found(node.url, NEW_WORDS) == []
        guide = yaml.safe_load((CATALOGUE / "330482-GA-003.yaml").read_text(encoding="utf-8"))
        guide["keywords"].append(NEW_WORDS)
        changed = tmp_path / "330482-GA-003.yaml"
        changed.write_text(yaml.safe_dump(guide, allow_unicode=True), encoding="utf-8")
        # published by a third process with an index of its own: an editor on another node
        manage(node_env(database_url, tmp_path / "editor"), "import_guides", str(changed))
        published = time.monotonic()
        delays = {}
        while len(delays) < len(nodes) and time.monotonic() - published < 15:
            for node in nodes:
                if node.url not in delays and found(node.url, NEW_WORDS) == ["330482-GA-003"]:
                    delays[node.url] = time.monotonic() - published
            time.sleep(0.1)
        assert len(delays) == len(nodes), f"found on {len(delays)} of {len(nodes)} nodes after 15 s"
        assert max(delays.values()) <= 5.0, delays
    finally:
        for node in nodes:
            node.__exit__()
