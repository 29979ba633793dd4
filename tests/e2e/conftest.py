"""A real OneTrip server for the browser tests: gunicorn with the production settings, on a free port, in a
temporary DATA_DIR, on a copy of the run's test database (migrated, demo loaded: tests/support/database.py)
and its search index, with the static files collected, as `make run` does."""

import os
import secrets
import shutil
from pathlib import Path

import pytest

from tests.support.database import drop
from tests.support.servers import Gunicorn, free_port, manage

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Debian's chromium, driven by Playwright; never `playwright install` (no downloads on these machines).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTEFACTS = ROOT / "test-artefacts"


@pytest.fixture(scope="session")
def site_env(site_url):
    """The running server's environment, for `manage(site_env, …)` (e.g. setting up a hall call)."""
    return site_url.env


class SiteUrl(str):
    """The server's base URL, carrying its environment."""

    env: dict


@pytest.fixture(scope="session")
def site_url(tmp_path_factory, database_template):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    data_dir = tmp_path_factory.mktemp("onetrip-site")
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SEARCH_INDEX_DIR")}
    env |= {
        "DATABASE_URL": database_template.copy("e2e", data_dir),
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DATA_DIR": str(data_dir),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ADMIN_PASSWORD": "e2e-Pinghu-2026",
        "PERIODIC_JOBS": "0",
    }
    database_template.copy_index(data_dir / "search-index")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    with Gunicorn(env, data_dir, free_port(), workers=2) as server:
        url = SiteUrl(server.url)
        url.env = env
        yield url
    if database_template.postgres:
        drop(env["DATABASE_URL"])


@pytest.fixture(scope="session")
def browser(site_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot():
    """Saves a full-page screenshot as a test artefact (test-artefacts/, not committed). With
    `docs=True` and UPDATE_DOCS_SCREENSHOTS=1 it also refreshes docs/screenshots/ for the README; a
    plain test run never touches tracked files."""
    ARTEFACTS.mkdir(exist_ok=True)

    def save(page, name: str, docs: bool = False) -> Path:
        path = ARTEFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000  # a real picture, not a blank page
        if docs and os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
            target = ROOT / "docs" / "screenshots" / f"{name}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        return path

    return save
