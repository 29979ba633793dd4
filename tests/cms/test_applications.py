"""Online applications: forms generated from guides, uploads, 容缺 supplements, the back office,
department boundaries, idempotency and personal data (no plaintext ID number anywhere)."""

import datetime as dt
import io
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from cms.applications import services
from cms.applications.enums import ApplicationStatus, MaterialState
from cms.applications.models import Application, StatusChange
from cms.core.caller import Caller
from cms.core.enums import Channel
from cms.services.editorial import ensure_department_editors
from cms.services.models import Department, ServiceGuidePage
from guides import clock
from guides.calendar import add_working_days
from guides.hours import Calendar
from tests.support.applications import apply_on_website
from tests.support.bookings import CONSENT

pytestmark = pytest.mark.django_db

ID_NUMBER = "330482199003071239"
USCC = "91330482MA2B3C4D5Y"
PHONE = "13912345678"
API = "/api/v1/applications"
APPLICANT = Caller(Channel.WEB, address="10.0.0.1", id_number=ID_NUMBER)
IMMEDIATE, DEFERRABLE, LICENCE, COMPANY = "330482-GA-008", "330482-GA-004", "330482-SH-002", "330482-SS-003"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.APPLICATION_FILES_DIR = tmp_path / "application-files"
    cache.clear()
    yield
    cache.clear()


def pdf(text: str = "material", **catalog) -> bytes:
    """A real one-page PDF (uploads are parsed), with `catalog` entries added to its root."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Title": text})
    for key, value in catalog.items():
        writer.root_object[NameObject(f"/{key}")] = writer._add_object(value)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(kind: str = "PNG", size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def person(**extra) -> dict:
    return {"applicant_kind": "person", "name": "张三", "id_number": ID_NUMBER, "phone": PHONE, **CONSENT, **extra}


def company(**extra) -> dict:
    return {
        "applicant_kind": "company",
        "name": "平湖示范科技有限公司",
        "uscc": USCC,
        "contact_name": "李四",
        "phone": PHONE,
        **CONSENT,
        **extra,
    }


def delivery_for(form) -> dict:
    if "pickup" in form.deliveries:
        return {"delivery": "pickup", "centre": form.centres[0].code}
    return {"delivery": form.deliveries[0]}


def files_for(form, deferrable=True, optional=False) -> dict:
    """One valid file for each material the form asks for (deferrable ones only if `deferrable`)."""
    files = {}
    for n, m in enumerate(form.asked):
        if m.required or (m.deferrable and deferrable) or (optional and not m.required and not m.deferrable):
            files[m.field] = upload(f"材料{n}.pdf", pdf(m.name)) if n % 2 else upload(f"scan{n}.png", image_bytes())
    return files


def form_of(code: str):
    return services.form_for(ServiceGuidePage.objects.get(code=code))


def post_api(client, data: dict, **headers):
    return client.post(API, data=data, headers=headers)


# ---- the form comes from the guide ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "applicant", "expect_status"),
    [
        (IMMEDIATE, person, ApplicationStatus.SUBMITTED),
        (DEFERRABLE, person, ApplicationStatus.SUBMITTED),
        (LICENCE, person, ApplicationStatus.SUBMITTED),
        (COMPANY, company, ApplicationStatus.SUBMITTED),
    ],
    ids=["immediate", "deferrable", "e-licence", "company"],
)
def test_one_form_per_kind_of_guide(client, code, applicant, expect_status):
    guide = ServiceGuidePage.objects.get(code=code)
    form = services.form_for(guide)
    rows = list(guide.materials.all())
    # One slot per material of the guide, in its order; e-licence and government materials never asked.
    assert [m.name for m in form.materials] == [r.name for r in rows]
    assert {m.name for m in form.asked} == {
        r.name for r in rows if not r.from_licence_library and r.source == "applicant"
    }
    page = client.get(f"/apply/{code}/")
    assert page.status_code == 200
    html = page.content.decode()
    for m in form.materials:
        assert m.name in html
        assert (f'name="{m.field}"' in html) is m.asked
    if form.fetched:
        assert "将从电子证照库调取，无需上传" in html
    # The API describes the same form.
    described = client.get(f"{API}/forms/{code}").json()
    assert [m["field"] for m in described["materials"]] == [m.field if m.asked else None for m in form.materials]

    response = post_api(client, {"guide": code, **applicant(), **delivery_for(form), **files_for(form)})
    assert response.status_code == 201, response.content
    body = response.json()
    application = Application.objects.get(receipt=body["receipt"])
    assert application.status == expect_status
    assert application.department == guide.department
    assert body["applicant"]["id_number"] == application.identifier_masked
    assert application.identifier_masked.endswith(application.identifier[-4:])
    assert ID_NUMBER not in response.content.decode() and USCC not in response.content.decode()
    states = {m["name"]: m["state"] for m in body["materials"]}
    for m in form.materials:
        if m.from_licence_library:
            assert states[m.name] == MaterialState.FROM_LICENCE_LIBRARY
        elif m.required:
            assert states[m.name] == MaterialState.PROVIDED


def test_citizen_only_guide_refuses_a_company_and_vice_versa(client):
    response = post_api(client, {"guide": IMMEDIATE, **company(), **delivery_for(form_of(IMMEDIATE))})
    assert response.status_code == 400
    assert "applicant_kind" in response.json()["error"]["fields"]
    response = post_api(client, {"guide": COMPANY, **person(), **delivery_for(form_of(COMPANY))})
    assert response.status_code == 400
    assert "applicant_kind" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id_number": "330482199003071230"}, "id_number"),  # wrong check digit
        ({"phone": "12345"}, "phone"),
        ({"name": ""}, "name"),
        ({"delivery": "express", "address": ""}, "address"),
        ({"delivery": "pickup", "centre": "nowhere"}, "centre"),
        ({"email": "not-an-address"}, "email"),
    ],
)
def test_applicant_and_delivery_are_validated(client, change, field):
    form = form_of(IMMEDIATE)
    data = {"guide": IMMEDIATE, **person(), **delivery_for(form), **change, **files_for(form)}
    response = post_api(client, data)
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"] and " / " in error["fields"][field]
    assert not Application.objects.exists()


def test_company_uscc_is_validated(client):
    form = form_of(COMPANY)
    response = post_api(client, {"guide": COMPANY, **company(uscc=USCC[:-1] + "0"), **delivery_for(form)})
    assert response.status_code == 400
    assert "uscc" in response.json()["error"]["fields"]


def test_a_required_material_cannot_be_left_out(client):
    form = form_of(LICENCE)
    files = files_for(form)
    first_required = next(m for m in form.asked if m.required)
    del files[first_required.field]
    response = post_api(client, {"guide": LICENCE, **person(), **delivery_for(form), **files})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "material_missing"
    assert first_required.field in response.json()["error"]["fields"]
    assert not Application.objects.exists()
    assert not list(Path(services.uploads.files_dir()).rglob("*.*"))  # nothing left behind


LOST_CARD = "330482-GA-001"  # 原居民身份证: required, not needed when replacing a lost card


def _send(client, channel: str, data: dict):
    """An application through the API, or through the website's form (the page first, for its key)."""
    if channel == "api":
        return post_api(client, {"guide": LOST_CARD, **data})
    page = client.get(f"/apply/{LOST_CARD}/").content.decode()
    key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)
    return apply_on_website(client, f"/apply/{LOST_CARD}/", {"form_key": key, "language": "zh-hans", **data})


@pytest.mark.parametrize("channel", ["api", "website"])
def test_a_lost_card_does_not_block_the_application(client, channel):
    """A required material the applicant cannot have, in the case its guide names (a lost card is not handed
    in), may be left out when the applicant says so; not otherwise, and not for any other material."""
    form = form_of(LOST_CARD)
    card = next(m for m in form.asked if m.required)
    assert card.not_needed_when == "丢失补领" and card.not_needed_when_en == "replacing a lost card"
    base = {**person(), **delivery_for(form)}
    optional = next(m for m in form.asked if not m.required)
    refused = _send(client, channel, {**base, optional.not_needed_field: "1"})  # said of another material
    assert refused.status_code == 400 and not Application.objects.exists()
    accepted = _send(client, channel, {**base, card.not_needed_field: "1"})
    assert accepted.status_code == (201 if channel == "api" else 302), accepted.content
    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED  # nothing to supply later
    row = application.materials.get(position=card.position)
    assert row.state == MaterialState.NOT_NEEDED and not row.file


def test_the_form_offers_the_case_in_which_a_material_is_not_needed(client):
    form = form_of(LOST_CARD)
    card = next(m for m in form.asked if m.required)
    page = client.get(f"/apply/{LOST_CARD}/").content.decode()
    assert f'name="{card.not_needed_field}"' in page and "丢失补领" in page
    assert re.search(rf'<input type="file" id="f-{card.field}" name="{card.field}" [^>]*png">', page)  # not required
    answer = client.get(f"/api/v1/applications/forms/{LOST_CARD}").json()
    offered = {m["field"]: m["not_needed_field"] for m in answer["materials"] if m["asked"]}
    assert offered == {card.field: card.not_needed_field, **{m.field: None for m in form.asked if m is not card}}


def test_express_delivery_needs_and_keeps_the_address(client):
    form = form_of(IMMEDIATE)
    address = "浙江省平湖市当湖街道新华中路100号"
    data = {"guide": IMMEDIATE, **person(), "delivery": "express", "address": address, **files_for(form)}
    response = post_api(client, data)
    assert response.status_code == 201
    application = Application.objects.get(receipt=response.json()["receipt"])
    assert application.address == address and application.delivery == "express"
    assert address not in response.content.decode()


# ---- bad uploads, each with its own message -------------------------------------------------------


def raw_multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = "----onetripboundary7MA4YWxkTrZu0gW"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, data in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("name", "make", "code", "message"),
    [
        ("big.pdf", lambda s: pdf() + b"0" * (s.APPLICATION_UPLOAD_MAX_BYTES + 1), "file_too_large", "文件超过"),
        ("photo.png", lambda s: b"GIF89a" + b"\0" * 100, "wrong_file_type", "文件内容不是 PDF、JPEG 或 PNG"),
        ("../../etc/passwd.pdf", lambda s: pdf(), "unsafe_name", "文件名不能包含路径"),
        ("..\\..\\evil.pdf", lambda s: pdf(), "unsafe_name", "文件名不能包含路径"),
        ("image.svg", lambda s: SVG, "script_not_allowed", "不接受 SVG"),
        ("image.png", lambda s: SVG, "script_not_allowed", "不接受 SVG"),
        (
            "form.pdf",
            lambda s: pdf(
                OpenAction=DictionaryObject(
                    {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
                )
            ),
            "script_not_allowed",
            "不接受含脚本",
        ),
        ("empty.pdf", lambda s: b"", "empty_file", "文件为空"),
        ("broken.jpg", lambda s: b"\xff\xd8\xff\xe0" + b"\0" * 50, "damaged_image", "图片已损坏"),
    ],
    ids=[
        "oversize",
        "magic-bytes",
        "dotdot-slash",
        "dotdot-backslash",
        "svg-name",
        "svg-content",
        "pdf-js",
        "empty",
        "damaged-image",
    ],
)
def test_each_bad_upload_has_its_own_message(client, settings, name, make, code, message):
    form = form_of(IMMEDIATE)
    field = form.asked[0].field
    fields = {"guide": IMMEDIATE, **person(), **delivery_for(form)}
    body, content_type = raw_multipart(fields, [(field, name, make(settings))])
    response = client.post(API, data=body, content_type=content_type)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert message in error["message"] and " / " in error["message"]
    assert message in error["fields"][field]
    assert not Application.objects.exists()


def test_pixel_flood_is_refused(client, settings):
    settings.APPLICATION_IMAGE_MAX_PIXELS = 1_000_000
    form = form_of(IMMEDIATE)
    flood = image_bytes("PNG", (2000, 1000))  # small file, two million pixels
    data = {"guide": IMMEDIATE, **person(), **delivery_for(form), form.asked[0].field: upload("a.png", flood)}
    response = post_api(client, data)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "pixel_flood"
    assert "像素过多" in response.json()["error"]["message"]


def test_too_many_files_are_refused(client):
    form = form_of(IMMEDIATE)
    data = {"guide": IMMEDIATE, **person(), **delivery_for(form), **files_for(form)}
    data["material_99"] = upload("extra.pdf", pdf())
    data["material_98"] = upload("extra2.pdf", pdf())
    response = post_api(client, data)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many_files"
    assert "文件过多" in response.json()["error"]["message"]


def test_one_file_per_material_and_no_upload_for_licence_materials(client):
    form = form_of(LICENCE)
    asked = form.asked[0].field
    body, content_type = raw_multipart(
        {"guide": LICENCE, **person(), **delivery_for(form)}, [(asked, "a.pdf", pdf()), (asked, "b.pdf", pdf())]
    )
    response = client.post(API, data=body, content_type=content_type)
    assert response.json()["error"]["code"] == "one_file_per_material"
    fetched = form.fetched[0].field
    files = files_for(form, deferrable=False)
    data = {"guide": LICENCE, **person(), **delivery_for(form), **files, fetched: upload("x.pdf", pdf())}
    response = post_api(client, data)
    assert response.status_code == 400
    assert response.json()["error"]["fields"][fetched].startswith("没有这项需上传的材料")


def test_images_are_reencoded_without_metadata_and_names_made_safe(client):
    form = form_of(IMMEDIATE)
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (0, 90, 200)).save(out, "JPEG", exif=exif.tobytes())
    original = out.getvalue() + b"TRAILING-HIDDEN-DATA"
    field = form.asked[0].field
    data = {"guide": IMMEDIATE, **person(), **delivery_for(form), field: upload("我的 照片<1>.png", original)}
    response = post_api(client, data)
    assert response.status_code == 201, response.content
    row = Application.objects.get().materials.get(position=form.asked[0].position)
    stored = services.uploads.stored_path(row.file).read_bytes()
    assert row.content_type == "image/jpeg" and row.file_name.endswith(".jpg")  # the content decides
    assert "<" not in row.file_name and "/" not in row.file_name
    assert b"SecretCameraMaker" not in stored and b"TRAILING-HIDDEN-DATA" not in stored
    assert Image.open(io.BytesIO(stored)).size == (64, 48)
    # Stored outside MEDIA_ROOT, under a random name.
    assert not services.uploads.stored_path(row.file).is_relative_to(Path(django_settings.MEDIA_ROOT))
    assert "照片" not in row.file


# ---- idempotency ---------------------------------------------------------------------------------


def test_idempotent_replay_yields_one_record(client):
    form = form_of(DEFERRABLE)

    def send(key, name="张三"):
        files = {f: upload(u.name, u.read()) for f, u in files_for(form).items()}
        data = {"guide": DEFERRABLE, **person(name=name), **delivery_for(form), **files}
        return post_api(client, data, **{"Idempotency-Key": key})

    first = send("apply-key-0001")
    second = send("apply-key-0001")
    assert first.status_code == 201 and second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert first.json()["receipt"] == second.json()["receipt"]
    assert Application.objects.count() == 1
    assert StatusChange.objects.count() == 1
    assert send("apply-key-0001", name="王五").status_code == 422  # the same key with another request
    assert send("apply-key-0002").status_code == 201
    assert Application.objects.count() == 2


def test_idempotent_replay_of_a_deferrable_acceptance(client):
    """The first answer carries dates (deadline, due date) and is replayed as given."""
    form = form_of(DEFERRABLE)
    data = {"guide": DEFERRABLE, **person(), **delivery_for(form)}

    def send():
        files = {f: upload(u.name, u.read()) for f, u in files_for(form, deferrable=False).items()}
        return post_api(client, {**data, **files}, **{"Idempotency-Key": "deferred-key-01"})

    first, second = send(), send()
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert first.json()["status"] == "accepted_pending_supplement" and first.json()["supplement_deadline"]
    assert Application.objects.count() == 1


def test_web_form_resubmitted_gives_the_same_receipt(client):
    form = form_of(IMMEDIATE)
    page = client.get(f"/apply/{IMMEDIATE}/").content.decode()
    key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)

    def send():
        files = {f: upload(u.name, u.read()) for f, u in files_for(form).items()}
        return apply_on_website(
            client,
            f"/apply/{IMMEDIATE}/",
            {"form_key": key, **person(), **delivery_for(form), "language": "zh-hans", **files},
        )

    first, second = send(), send()
    assert first.status_code == 302 and second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Application.objects.count() == 1
    receipt = Application.objects.get().receipt
    assert first["Location"] == f"/apply/submitted/{receipt}/"
    confirmation = client.get(first["Location"]).content.decode()
    assert receipt in confirmation and ID_NUMBER not in confirmation
    detail = client.get(f"/apply/status/{receipt}/").content.decode()
    assert ID_NUMBER not in detail and "**************1239" in detail


def test_web_form_shows_errors_on_the_fields(client):
    form = form_of(IMMEDIATE)
    response = client.post(
        f"/apply/{IMMEDIATE}/", {"form_key": "k" * 20, **person(id_number="123"), **delivery_for(form)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "身份证号应为18位" in html
    assert not Application.objects.exists()


def test_kiosk_submissions_carry_the_device_token(client):
    from cms.devices.models import KioskDevice

    device = KioskDevice(name="当湖街道自助终端")
    token = device.issue_token()
    device.save()
    form = form_of(IMMEDIATE)
    data = {"guide": IMMEDIATE, **person(), **delivery_for(form), **files_for(form)}
    response = post_api(client, data, Authorization=f"Bearer {token}")
    assert response.status_code == 201
    application = Application.objects.get(receipt=response.json()["receipt"])
    assert application.channel == "kiosk" and application.device == device
    assert application.history.get().by == device.name
    refused = post_api(client, {**data, **files_for(form)}, Authorization="Bearer otk_wrong")
    assert refused.status_code == 401
    assert Application.objects.count() == 1


# ---- status lookup --------------------------------------------------------------------------------


def submit(client, code=DEFERRABLE, deferrable=False, email="zhang@example.cn") -> Application:
    form = form_of(code)
    applicant = company if "company" in form.applicant_kinds and "person" not in form.applicant_kinds else person
    data = {"guide": code, **applicant(email=email), **delivery_for(form), **files_for(form, deferrable=deferrable)}
    response = post_api(client, data)
    assert response.status_code == 201, response.content
    return Application.objects.get(receipt=response.json()["receipt"])


def test_status_needs_receipt_and_id_number_and_is_rate_limited(client, settings):
    application = submit(client)
    url = f"{API}/{application.receipt}"
    assert client.get(url).status_code == 400  # no ID number
    assert client.get(url, headers={"X-Id-Number": "110101199003074477"}).status_code == 404
    ok = client.get(url, headers={"X-Id-Number": ID_NUMBER})
    assert ok.status_code == 200
    body = ok.json()
    assert body["status"] == "accepted_pending_supplement"
    assert [h["to"] for h in body["history"]] == ["submitted", "accepted_pending_supplement"]
    assert body["applicant"]["id_number"] == "**************1239"
    assert body["applicant"]["phone"] == "139****5678"
    cache.clear()
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "lookup": {"ip": (3, 60)}}
    codes = [client.get(url, headers={"X-Id-Number": ID_NUMBER}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_web_status_page_and_files_need_the_id_number(client):
    application = submit(client)
    other = Client()
    assert other.get(f"/apply/status/{application.receipt}/").status_code == 404  # not looked up here
    assert other.get(f"/apply/status/{application.receipt}/files/2/").status_code == 404
    wrong = other.post("/apply/status/", {"receipt": application.receipt, "id_number": "110101199003074477"})
    assert wrong.status_code == 404
    found = other.post("/apply/status/", {"receipt": application.receipt.lower(), "id_number": ID_NUMBER})
    assert found.status_code == 302
    page = other.get(found["Location"])
    assert page.status_code == 200 and application.receipt in page.content.decode()
    provided = application.materials.exclude(file="").first()
    download = other.get(f"/apply/status/{application.receipt}/files/{provided.position}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    api = other.get(f"{API}/{application.receipt}/files/{provided.position}", headers={"X-Id-Number": ID_NUMBER})
    assert api.status_code == 200
    assert b"".join(api.streaming_content) == services.uploads.stored_path(provided.file).read_bytes()


# ---- 容缺 through supplement and approval -----------------------------------------------------------


def test_deferrable_flow_through_supplement_and_approval(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(client, DEFERRABLE, deferrable=False)
    assert application.status == ApplicationStatus.PENDING_SUPPLEMENT
    assert application.supplement_deadline > clock.today()
    assert application.accepted_on == clock.today()
    assert application.due_date == services.working_days_after(clock.today(), application.committed_days)
    missing = application.materials.get(state=MaterialState.MISSING)
    assert missing.necessity == "deferrable"
    assert any("待补正" in m.subject or "supplement" in m.subject for m in mail.outbox)

    # The citizen supplies the missing material with receipt + ID number.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{API}/{application.receipt}/supplement",
            {"id_number": ID_NUMBER, f"material_{missing.position}": upload("income.pdf", pdf("income"))},
        )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.materials.get(pk=missing.pk).state == MaterialState.PROVIDED
    again = client.post(
        f"{API}/{application.receipt}/supplement",
        {"id_number": ID_NUMBER, f"material_{missing.position}": upload("income.pdf", pdf("x"))},
    )
    assert again.status_code == 409

    # Staff approve and deliver; each change logged with who, and mailed.
    staff = staff_of(application.department, "handler")
    with django_capture_on_commit_callbacks(execute=True):
        services.act(application, "approve", Caller.staff(staff))
        services.act(application, "deliver", Caller.staff(staff))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DELIVERED
    history = list(application.history.values_list("from_status", "to_status", "by"))
    assert history == [
        ("", "submitted", "api"),
        ("submitted", "accepted_pending_supplement", "system"),
        ("accepted_pending_supplement", "accepted", "api"),
        ("accepted", "approved", "handler"),
        ("approved", "delivered", "handler"),
    ]
    assert [m.to for m in mail.outbox].count(["zhang@example.cn"]) == 5
    assert application.receipt in mail.outbox[-1].body


def test_supplement_overdue_then_rejected(client):
    application = submit(client, DEFERRABLE, deferrable=False)
    later = application.supplement_deadline + dt.timedelta(days=1)
    assert services.mark_supplements_overdue(application.supplement_deadline) == 0  # not yet
    assert services.mark_supplements_overdue(later) == 1
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUPPLEMENT_OVERDUE
    staff = staff_of(application.department, "handler")
    with pytest.raises(services.Refusal):
        services.act(application, "reject", Caller.staff(staff))  # a reason is needed
    services.act(application, "reject", Caller.staff(staff), reason="逾期未补交")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED and application.reason == "逾期未补交"


def test_staff_request_a_supplement_and_express_needs_a_tracking_number(client):
    application = submit(client, IMMEDIATE)
    staff = staff_of(application.department, "officer")
    actor = Caller.staff(staff)
    provided = application.materials.exclude(file="").first()
    services.act(application, "request_supplement", actor, reason="照片不清晰", materials=[provided.position])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING_SUPPLEMENT
    assert application.materials.get(pk=provided.pk).state == MaterialState.REQUESTED
    services.supplement(application, {f"material_{provided.position}": [upload("new.png", image_bytes())]}, APPLICANT)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    with pytest.raises(services.Refusal) as wrong:
        services.act(application, "deliver", actor)
    assert wrong.value.status == 409
    services.act(application, "approve", actor)
    Application.objects.filter(pk=application.pk).update(delivery="express")
    application.refresh_from_db()
    with pytest.raises(services.Refusal):
        services.act(application, "deliver", actor)
    services.act(application, "deliver", actor, tracking_number="SF1234567890")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DELIVERED and application.tracking_number == "SF1234567890"


def test_the_clock_stops_while_the_applicant_supplies_a_requested_material(client, time_machine):
    wednesday = dt.date(2026, 12, 9)
    time_machine.move_to(dt.datetime(2026, 12, 7, 10, tzinfo=clock.TZ), tick=False)  # a Monday
    application = submit(client, IMMEDIATE)
    actor = Caller.staff(staff_of(application.department, "clerk"))
    if application.status == ApplicationStatus.SUBMITTED:
        services.act(application, "accept", actor)
    # Five committed working days from Monday 7 December: due Monday 14 December.
    Application.objects.filter(pk=application.pk).update(committed_days=5, due_date=dt.date(2026, 12, 14))
    application.refresh_from_db()
    provided = application.materials.exclude(file="").first()

    time_machine.move_to(dt.datetime(2026, 12, 9, 10, tzinfo=clock.TZ), tick=False)
    services.act(application, "request_supplement", actor, reason="复印件缺页", materials=[provided.position])
    application.refresh_from_db()
    assert application.paused_on == wednesday
    assert not services.is_overdue(application, dt.date(2026, 12, 15))  # past the old due date, but paused

    time_machine.move_to(dt.datetime(2026, 12, 11, 10, tzinfo=clock.TZ), tick=False)  # Friday
    services.supplement(
        application, {f"material_{provided.position}": [upload("page.pdf", pdf("complete"))]}, APPLICANT
    )
    application.refresh_from_db()
    # Thursday and Friday were the applicant's: the due date moves on by two working days.
    assert application.status == ApplicationStatus.ACCEPTED and application.paused_on is None
    assert application.due_date == dt.date(2026, 12, 16)
    assert services.is_overdue(application, dt.date(2026, 12, 17))


# ---- back office and department boundary ----------------------------------------------------------


def staff_of(department: Department, username: str):
    from django.contrib.auth import get_user_model

    group = ensure_department_editors(department)
    user = get_user_model().objects.create_user(username, password="x-very-long-password")
    user.groups.add(group)
    return user


def test_department_boundary(client):
    mine = submit(client, IMMEDIATE)  # 公安局
    theirs = submit(client, COMPANY)  # 市场监督管理局
    assert mine.department != theirs.department
    police = staff_of(mine.department, "police-staff")
    market = staff_of(theirs.department, "market-staff")
    client.force_login(police)
    listing = client.get("/admin/applications/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert mine.receipt in html and theirs.receipt not in html
    assert ID_NUMBER not in html and PHONE not in html and "**************1239" in html
    assert client.get(f"/admin/applications/{mine.pk}/").status_code == 200
    file_of_theirs = theirs.materials.exclude(file="").first()
    assert client.get(f"/admin/applications/{theirs.pk}/").status_code == 404
    assert client.get(f"/admin/applications/{theirs.pk}/files/{file_of_theirs.position}/").status_code == 404
    assert client.post(f"/admin/applications/{theirs.pk}/act/", {"action": "accept"}).status_code == 404
    before = theirs.status
    theirs.refresh_from_db()
    assert theirs.status == before and theirs.history.count() == 2
    mine_file = mine.materials.exclude(file="").first()
    assert client.get(f"/admin/applications/{mine.pk}/files/{mine_file.position}/").status_code == 200
    # Acting in the admin is logged with the staff user.
    response = client.post(f"/admin/applications/{mine.pk}/act/", {"action": "accept"})
    assert response.status_code == 302
    change = mine.history.last()
    assert change.to_status == "accepted" and change.user == police and change.by == "police-staff"
    client.force_login(market)
    assert client.get(f"/admin/applications/{mine.pk}/files/{mine_file.position}/").status_code == 404
    assert client.get(f"/admin/applications/{theirs.pk}/files/{file_of_theirs.position}/").status_code == 200
    # Someone in no department gets nothing.
    from django.contrib.auth import get_user_model

    outsider = get_user_model().objects.create_user("outsider", password="x-very-long-password")
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(outsider)
    assert client.get("/admin/applications/").status_code in (302, 403)
    assert client.get(f"/admin/applications/{mine.pk}/files/{mine_file.position}/").status_code in (302, 403, 404)
    assert Group.objects.filter(user=outsider).count() == 0


def test_overdue_files_stand_out(client):
    application = submit(client, IMMEDIATE)
    staff = staff_of(application.department, "late-staff")
    services.act(application, "accept", Caller.staff(staff))
    Application.objects.filter(pk=application.pk).update(due_date=clock.today() - dt.timedelta(days=3))
    client.force_login(staff)
    html = client.get("/admin/applications/").content.decode()
    assert "逾期 overdue" in html and "件已超过承诺办结日期" in html
    only = client.get("/admin/applications/?overdue=1").content.decode()
    assert application.receipt in only


# ---- due dates in working days, 调休-aware ---------------------------------------------------------


def test_due_date_counts_working_days_with_holidays_and_makeup_days():
    from cms.hours.models import CalendarDay

    CalendarDay.objects.filter(date__range=(dt.date(2031, 9, 25), dt.date(2031, 10, 15))).delete()
    # A made-up golden week: 1–7 October off, Sunday 28 September and Saturday 11 October worked.
    for n in range(1, 8):
        CalendarDay.objects.create(date=dt.date(2031, 10, n), kind="holiday", name="国庆节")
    CalendarDay.objects.create(date=dt.date(2031, 9, 28), kind="makeup_workday", name="调休上班", works_as=2)
    CalendarDay.objects.create(date=dt.date(2031, 10, 11), kind="makeup_workday", name="调休上班", works_as=5)
    # Friday 26 Sept + 3 working days: Sun 28 (makeup), Mon 29, Tue 30.
    assert services.working_days_after(dt.date(2031, 9, 26), 3) == dt.date(2031, 9, 30)
    # + 4: the holiday week is skipped, Wednesday 8 October.
    assert services.working_days_after(dt.date(2031, 9, 26), 4) == dt.date(2031, 10, 8)
    # Thursday 9 October + 3: Fri 10, Sat 11 (makeup), Mon 13.
    assert services.working_days_after(dt.date(2031, 10, 9), 3) == dt.date(2031, 10, 13)
    assert services.working_days_after(dt.date(2031, 10, 9), 0) == dt.date(2031, 10, 9)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [("2030-01-04", 1, "2030-01-07"), ("2030-01-07", 5, "2030-01-14"), ("2030-01-05", 0, "2030-01-05")],
)
def test_add_working_days_plain_weeks(start, days, expected):
    day = dt.date.fromisoformat
    assert add_working_days(day(start), days, Calendar()) == day(expected)


# ---- no plaintext ID number anywhere ---------------------------------------------------------------


def database_hits(secrets_: list[str]) -> list[tuple[str, str]]:
    """(table, value) for every value found in plain text in any column of any table (raw SQL)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 — our own table names
            for row in cursor.fetchall():
                values = (bytes(v) if isinstance(v, memoryview) else v for v in row)
                text = " ".join(v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in values)
                found += [(table, s) for s in secrets_ if s in text]
    return found


def test_no_plaintext_id_number_in_database_logs_or_index(client, caplog, settings, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        # Through every route: API (person and company), web form, lookup, supplement, staff actions.
        application = submit(client, DEFERRABLE, deferrable=False)
        company_app = submit(client, COMPANY)
        form = form_of(IMMEDIATE)
        page = client.get(f"/apply/{IMMEDIATE}/").content.decode()
        key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)
        files = {f: upload(u.name, u.read()) for f, u in files_for(form).items()}
        web = apply_on_website(
            client, f"/apply/{IMMEDIATE}/", {"form_key": key, **person(), **delivery_for(form), **files}
        )
        assert web.status_code == 302
        client.post("/apply/status/", {"receipt": application.receipt, "id_number": ID_NUMBER})
        client.get(f"{API}/{application.receipt}", headers={"X-Id-Number": ID_NUMBER})
        missing = application.materials.get(state=MaterialState.MISSING)
        client.post(
            f"{API}/{application.receipt}/supplement",
            {"id_number": ID_NUMBER, f"material_{missing.position}": upload("s.pdf", pdf())},
        )
        staff = staff_of(application.department, "scan-staff")
        services.act(Application.objects.get(pk=application.pk), "approve", Caller.staff(staff))
        client.force_login(staff)
        client.get(f"/admin/applications/{application.pk}/")
    assert Application.objects.count() == 3 and company_app.identifier == USCC

    secrets_ = [ID_NUMBER, USCC, PHONE]
    # The scan finds a planted plaintext value (so an empty result means something), then nothing else.
    planted = StatusChange.objects.create(application=application, to_status="approved", by="x", reason=PHONE)
    assert ("applications_statuschange", PHONE) in database_hits(secrets_)
    planted.delete()
    found = database_hits(secrets_)
    assert found == []
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not [s for s in secrets_ if s in logged]
    assert "application" in logged  # the flows did log, by receipt only
    for message in mail.outbox:
        assert not [s for s in secrets_ if s in message.body + message.subject]
    from cms.search import service as search_service

    search_service.rebuild()  # the index as the site would have it after these flows
    index_files = [p for p in Path(settings.SEARCH_INDEX_DIR).rglob("*") if p.is_file()]
    assert index_files
    for path in index_files:
        data = path.read_bytes()
        assert not [s for s in secrets_ if s.encode() in data], path
