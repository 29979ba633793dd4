"""The website's application form loses nothing: a form sent back with errors keeps every value and every
accepted file (kept for the session, sealed and outside the public media); answers are checked on one page
before submitting; the confirmation says what happens next, by when and where to check."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.test import Client

from cms.applications import drafts
from cms.applications.models import Application
from guides import clock
from tests.cms.test_applications import (
    ID_NUMBER,
    delivery_for,
    files_for,
    form_of,
    image_bytes,
    pdf,
    person,
    upload,
)

pytestmark = pytest.mark.django_db
GUIDE = "330482-SH-006"  # a citizen's item: two required materials, a deferrable and an optional one; 3 days


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.APPLICATION_FILES_DIR = tmp_path / "application-files"


def _key(client, code=GUIDE) -> str:
    page = client.get(f"/apply/{code}/").content.decode()
    return re.search(r'name="form_key" value="([^"]+)"', page).group(1)


def _kept_files() -> list[Path]:
    return [p for p in drafts.drafts_dir().rglob("*") if p.is_file()]


def test_one_bad_field_keeps_every_value_and_every_file(client):
    form = form_of(GUIDE)
    files = files_for(form)
    data = {"form_key": _key(client), **person(phone="123"), **delivery_for(form), "email": "li@example.com"}
    response = client.post(f"/apply/{GUIDE}/", {**data, **files})
    assert response.status_code == 400
    html = response.content.decode()
    # the error once, at the top, linking to the field; and next to the field
    assert html.count('class="error-summary"') == 1
    assert re.search(r'<a href="#f-phone">[^<]+</a>', html)
    assert 'class="errors"' in html
    # every valid value kept, the ID number too
    for value in ("张三", ID_NUMBER, "li@example.com"):
        assert f'value="{value}"' in html
    # every file kept, named, and no longer required to be chosen again
    for field in files:
        control = re.search(rf'<input type="file" id="f-{field}" name="{field}"[^>]*>', html)
        assert control and "required" not in control.group(0)
        assert re.search(rf'id="f-{field}"[^>]*>\s*<br><span class="kept-file">已选择: <strong>', html)
    assert len(_kept_files()) == len(files)
    # sent again with the phone corrected and no file chosen: the kept files are enough
    checking = client.post(f"/apply/{GUIDE}/", {**data, "phone": "13912345678"})
    assert checking.status_code == 302 and checking["Location"] == f"/apply/{GUIDE}/check/"
    assert not Application.objects.exists()  # not before the answers are checked


def test_a_bad_file_is_refused_on_its_field_and_the_good_ones_kept(client):
    form = form_of(GUIDE)
    good, bad = form.asked[0], form.asked[1]
    files = {good.field: upload("scan.png", image_bytes()), bad.field: upload("fake.pdf", b"not a pdf at all")}
    data = {"form_key": _key(client), **person(), **delivery_for(form)}
    response = client.post(f"/apply/{GUIDE}/", {**data, **files})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<a href="#f-{bad.field}">' in html and "文件内容不是 PDF、JPEG 或 PNG" in html
    assert "scan.png" in html and "fake.pdf" not in html
    assert len(_kept_files()) == 1
    # another file for the same material replaces the kept one; "remove" drops it
    client.post(f"/apply/{GUIDE}/", {**data, good.field: upload("second.png", image_bytes(size=(50, 40)))})
    assert len(_kept_files()) == 1
    html = client.get(f"/apply/{GUIDE}/").content.decode()
    assert "second.png" in html and "scan.png" not in html
    client.post(f"/apply/{GUIDE}/", {**data, f"{good.field}_remove": "1"})
    assert _kept_files() == []


def test_check_answers_then_change_then_submit_then_the_confirmation(client):
    form = form_of(GUIDE)
    files = files_for(form)
    data = {"form_key": _key(client), **person(), **delivery_for(form)}
    checking = client.post(f"/apply/{GUIDE}/", {**data, **files})
    assert checking.status_code == 302
    page = client.get(checking["Location"]).content.decode()
    assert "提交前请核对您填写的信息" in page
    assert "张三" in page and ID_NUMBER in page
    for field, chosen in files.items():
        assert f'href="/apply/{GUIDE}/#f-{field}"' in page
        assert Path(chosen.name).stem in page
    assert f'href="/apply/{GUIDE}/#f-name"' in page
    # change: the form again, filled in, with the files kept
    form_page = client.get(f"/apply/{GUIDE}/").content.decode()
    assert 'value="张三"' in form_page and form_page.count('class="kept-file"') == len(files)
    client.post(f"/apply/{GUIDE}/", {**data, "name": "张三丰"})
    assert "张三丰" in client.get(checking["Location"]).content.decode()
    submitted = client.post(checking["Location"])
    application = Application.objects.get()
    assert submitted.status_code == 302 and submitted["Location"] == f"/apply/submitted/{application.receipt}/"
    assert application.name == "张三丰"
    assert application.materials.exclude(file="").count() == len(files)
    assert _kept_files() == []  # the draft's files went with the submission
    done = client.get(submitted["Location"]).content.decode()
    assert application.receipt in done and "接下来" in done
    assert "受理后 3 个工作日内办结" in done
    assert 'href="/apply/status/"' in done and f'href="/apply/status/{application.receipt}/"' in done
    # a second click on "submit" finds the same receipt
    again = client.post(checking["Location"])
    assert again["Location"] == submitted["Location"] and Application.objects.count() == 1
    # and the form starts empty again
    fresh = client.get(f"/apply/{GUIDE}/").content.decode()
    assert ID_NUMBER not in fresh and 'class="kept-file"' not in fresh


def test_the_session_holds_no_id_number_in_clear(client):
    from django.contrib.sessions.models import Session

    form = form_of(GUIDE)
    client.post(f"/apply/{GUIDE}/", {"form_key": _key(client), **person(phone="1"), **delivery_for(form)})
    stored = "".join(Session.objects.values_list("session_data", flat=True))
    decoded = str([s.get_decoded() for s in Session.objects.all()])
    assert stored and ID_NUMBER not in stored and ID_NUMBER not in decoded


def test_abandoned_drafts_are_purged(client, settings):
    form = form_of(GUIDE)
    data = {"form_key": _key(client), **person(phone="1"), **delivery_for(form)}
    client.post(f"/apply/{GUIDE}/", {**data, form.asked[0].field: upload("a.pdf", pdf())})
    other = Client()
    other.post(f"/apply/{GUIDE}/", {**data, form.asked[0].field: upload("b.pdf", pdf())})
    assert len(_kept_files()) == 2
    old = (clock.now() - dt.timedelta(hours=settings.APPLICATION_DRAFT_HOURS + 1)).timestamp()
    first = _kept_files()[0].parent
    for path in (first, *first.iterdir()):
        os.utime(path, (old, old))
    assert drafts.purge() == 1
    assert len(_kept_files()) == 1 and not first.exists()
    assert drafts.purge() == 0


# ---- ways back in ---------------------------------------------------------------------------------


def _header(html: str) -> str:
    return html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]


@pytest.mark.parametrize("path", ["/", "/centres/", "/search/", f"/apply/{GUIDE}/", "/booking/manage/"])
def test_every_page_s_header_leads_back_to_my_bookings_and_applications(client, path):
    header = _header(client.get(path).content.decode())
    assert '<a href="/booking/manage/">我的预约</a>' in header
    assert '<a href="/apply/status/">我的办件</a>' in header
    english = _header(client.get(f"/en{path}").content.decode())
    assert '<a href="/en/booking/manage/">My bookings</a>' in english
    assert '<a href="/en/apply/status/">My applications</a>' in english


def test_signed_in_the_header_leads_to_the_lists(client):
    from cms.identity import session as identity_session

    identity = identity_session.Identity("person", "张三", ID_NUMBER, "13912345678", 3, "sub-1")
    stored = client.session
    stored[identity_session.SESSION_KEY] = identity_session._sealed(identity)
    stored.save()
    header = _header(client.get("/").content.decode())
    assert '<a href="/my/bookings/">我的预约</a>' in header and '<a href="/my/applications/">我的办件</a>' in header
    assert client.get("/my/applications/").status_code == 200
