"""Production settings: `check --deploy` clean, `make run` on loopback without TLS, logs free of personal
data, the Content-Security-Policy, and a database outage answered with 503."""

import base64
import hashlib
import json
import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory
from stdnum.cn import uscc

from cms.database import DatabaseUnavailableMiddleware
from cms.personal.logs import PersonalDataFilter, mask_personal_data
from tests.support.bookings import id_number

REPO = Path(__file__).resolve().parents[2]
ID_NUMBER = id_number(42)
USCC = "91330482MA2B8YJ10" + uscc.calc_check_digit("91330482MA2B8YJ10")


def production(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter with production settings and real secrets."""
    environment = {k: v for k, v in os.environ.items() if k not in ("HTTPS", "REDIS_URL")}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PERSONAL_DATA_KEY": secrets.token_urlsafe(48),
        "DATA_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=environment, capture_output=True, text=True, timeout=180
    )


def test_check_deploy_is_clean_behind_tls(tmp_path):
    done = production(
        tmp_path,
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        HTTPS="1",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_loopback_without_tls_neither_redirects_nor_needs_secure_cookies(tmp_path):
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEBUG]))"
    )
    plain = production(tmp_path, code)
    behind_tls = production(tmp_path, code, HTTPS="1")
    assert json.loads(plain.stdout) == [False, False, False, False], plain.stderr
    assert json.loads(behind_tls.stdout) == [True, True, True, False], behind_tls.stderr


def test_production_logs_are_json_lines_without_personal_data(tmp_path):
    code = f"""
import django, logging
django.setup()
log = logging.getLogger("cms.bookings")
log.warning("booking by %s, phone %s, company %s", "{ID_NUMBER}", "139 1234 5678", "{USCC}")
try:
    raise ValueError("bad ID number {ID_NUMBER} for +86-13912345678")
except ValueError:
    log.exception("refused")
logging.getLogger("gunicorn.access").info('"GET /api/v1/guides?q=%s HTTP/1.1" 200', "0573-85123456")
"""
    done = production(tmp_path, code)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert [r["logger"] for r in records] == ["cms.bookings", "cms.bookings", "gunicorn.access"], done.stderr
    for secret in (ID_NUMBER, USCC, "1234 5678", "13912345678", "85123456"):
        assert secret not in done.stderr
    assert records[0]["message"] == "booking by [id-number], phone [phone], company [id-number]"
    assert "ValueError: bad ID number [id-number] for [phone]" in records[1]["exc"]
    assert records[2]["message"] == '"GET /api/v1/guides?q=[phone] HTTP/1.1" 200'
    assert all(r["time"].endswith("+00:00") and r["level"] and r["pid"] for r in records)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"id {ID_NUMBER}.", "id [id-number]."),
        (f"id {ID_NUMBER[:17]}x", "id [id-number]"),  # a lower-case check character
        (f"code={USCC}&x=1", "code=[id-number]&x=1"),
        ("call 13812345678 or +8613812345678", "call [phone] or [phone]"),
        ("call 138-1234-5678 or 86 138 1234 5678", "call [phone] or [phone]"),
        ("office 0573-85123456, 021 12345678", "office [phone], [phone]"),
        # left alone: what is not personal data, however digit-heavy
        ("guide 330482-GA-001, booking 62GSY4ZV", "guide 330482-GA-001, booking 62GSY4ZV"),
        ("took 1234567 µs at 2026-11-28 05:23:45", "took 1234567 µs at 2026-11-28 05:23:45"),
        ("request 12345678901234567890 (20 digits)", "request 12345678901234567890 (20 digits)"),
        ("/static/site.0123456789abcdef01.css", "/static/site.0123456789abcdef01.css"),
    ],
)
def test_masking_patterns(text, masked):
    assert mask_personal_data(text) == masked


def test_filter_masks_arguments_that_do_not_fit_the_format():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "no placeholder", (ID_NUMBER,), None)
    PersonalDataFilter().filter(record)
    assert record.getMessage() == "no placeholder ('[id-number]',)"


@pytest.mark.django_db
def test_csp_strict_on_the_site_with_the_admins_allowances_under_admin(client):
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200
    site = dashboard["Content-Security-Policy"]
    # every inline <style> the page sends is allowed by its hash
    styles = re.findall(r"<style>(.*?)</style>", dashboard.content.decode(), re.S)
    assert styles
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in styles}
    admin = client.get("/admin/login/")["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in site.split("; ")}
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"][0] == "'self'" and set(directives["style-src"][1:]) == hashes
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'self'"]
    admin_directives = {d.split()[0]: d.split()[1:] for d in admin.split("; ")}
    assert "'unsafe-inline'" in admin_directives["script-src"]
    assert admin_directives["object-src"] == ["'none'"]


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), InterfaceError("gone")])
def test_database_errors_answer_503(error):
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    api = middleware.process_exception(RequestFactory().post("/api/v1/bookings"), error)
    page = middleware.process_exception(RequestFactory().get("/booking/"), error)
    assert api.status_code == page.status_code == 503
    assert api["Retry-After"] == page["Retry-After"] == "5"
    assert json.loads(api.content)["error"]["code"] == "unavailable"
    assert "The service is briefly unavailable" in page.content.decode()
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("other")) is None


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v2/pages/", "/api/v2/pages/?type=services.ServiceGuidePage&limit=1"])
def test_wagtails_page_api_is_not_public(client, path):
    """Our API is /api/v1/ alone: Wagtail's page API (unlimited, outside our OpenAPI document) is not mounted."""
    response = client.get(path)
    assert response.status_code == 404
    assert not response.headers["Content-Type"].startswith("application/json")
