"""The editorial workflow in the Wagtail admin: department editors draft and submit, reviewers approve,
the validator's messages appear on the fields, permissions hold, revisions and scheduling work."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms.centres.models import CentrePage
from cms.changes.models import Change
from cms.services.models import Department, GuideIndexPage, ServiceGuidePage
from cms.services.permissions import REVIEWERS
from guides import clock

pytestmark = pytest.mark.django_db
POLICE = "平湖市公安局"
LAND = "平湖市自然资源和规划局"


def user(name: str, *groups: Group):
    account = get_user_model().objects.create_user(name, f"{name}@example.org", "pw-Pinghu-2026")
    account.groups.add(*groups)
    return account


def editor_of(department_name: str, name: str = "editor"):
    return user(name, Department.objects.get(name=department_name).editors)


@pytest.fixture
def reviewer():
    return user("reviewer", Group.objects.get(name=REVIEWERS))


def new_guide_form(department: Department, **changes) -> dict:
    """What the admin's create form posts for a complete, valid new police guide."""
    data = {
        "title": "犬只登记（测试）",
        "slug": "330482-ga-990",
        "code": "330482-GA-990",
        "name_en": "Dog registration (test)",
        "summary": "在平湖市饲养犬只的个人办理犬只登记。",
        "summary_en": "Residents of Pinghu who keep a dog register it.",
        "item_type": "行政确认",
        "category": "公安服务",
        "department": str(department.pk),
        "co_department_links": inline_formset([]),
        "service_object": "citizen",
        "legal_basis": streamfield([("item", "《嘉兴市养犬管理条例》第十条")]),
        "legal_basis_en": streamfield([("item", "Regulations of Jiaxing on Dog Keeping, Article 10")]),
        "status": "active",
        "effective_date": "2026-01-01",
        "keywords": streamfield([("item", "养狗")]),
        "channels_visits": "1",
        "channels_visits_reason": "",
        "channels_visits_reason_en": "",
        "channels_online": "on",
        "channels_online_depth": "pre_review",
        "channels_appointment": "on",
        "result_certificate": "犬只登记证",
        "result_certificate_en": "Dog registration certificate",
        "result_validity": "一年",
        "result_validity_en": "One year",
        "centre_links": inline_formset([{"centre": str(CentrePage.objects.get(code="city").pk)}]),
        "contact_consultation_phones": streamfield([("item", "12345")]),
        "contact_complaint_phone": "0573-85011110",
        "faq": inline_formset([]),
        "materials": inline_formset(
            [
                {
                    "name": "居民身份证",
                    "name_en": "ID card",
                    "form": "original",
                    "copies": "1",
                    "necessity": "required",
                    "source": "applicant",
                    "blank_form": "",
                    "sample": "",
                    "notes": "",
                },
                {
                    "name": "犬只免疫证明",
                    "name_en": "Dog vaccination certificate",
                    "form": "original",
                    "copies": "1",
                    "necessity": "deferrable",
                    "source": "applicant",
                    "blank_form": "",
                    "sample": "",
                    "notes": "",
                },
            ]
        ),
        "conditions": streamfield([("item", "犬只已按规定免疫。")]),
        "conditions_en": streamfield([("item", "The dog has been vaccinated as required.")]),
        "prohibitions": streamfield([]),
        "prohibitions_en": streamfield([]),
        "steps": inline_formset(
            [
                {
                    "name": "受理",
                    "name_en": "Acceptance",
                    "actor": "公安服务窗口",
                    "actor_en": "Public security services window",
                    "action": "核验材料",
                    "action_en": "Checks the documents",
                    "days": "0",
                },
                {
                    "name": "发证",
                    "name_en": "Issue",
                    "actor": "公安服务窗口",
                    "actor_en": "Public security services window",
                    "action": "发放登记证",
                    "action_en": "Issues the registration certificate",
                    "days": "3",
                },
            ]
        ),
        "special_procedures": inline_formset([]),
        "statutory_days": "10",
        "committed_days": "5",
        "fees_free": "on",
        "fee_items": inline_formset([]),
        "comments": inline_formset([]),
    }
    data.update(changes)
    form = nested_form_data(data)
    form["result_delivery"] = ["pickup"]
    return form


def add_url(index: GuideIndexPage) -> str:
    return reverse("wagtailadmin_pages:add", args=("services", "serviceguidepage", index.pk))


ROW_FIELDS = {
    "materials": [
        "name",
        "name_en",
        "form",
        "copies",
        "necessity",
        "from_licence_library",
        "source",
        "blank_form",
        "blank_form_en",
        "sample",
        "sample_en",
        "notes",
        "notes_en",
    ],
    "steps": ["name", "name_en", "actor", "actor_en", "action", "action_en", "days"],
    "special_procedures": ["name", "name_en", "days", "counts_in_limit"],
    "fee_items": ["name", "name_en", "amount", "unit", "unit_en", "basis", "basis_en"],
    "faq": ["question", "question_en", "answer", "answer_en"],
    "co_department_links": ["department"],
    "centre_links": ["centre"],
}


def _form_value(value):
    if isinstance(value, bool):
        return "on" if value else ""
    if hasattr(value, "pk"):
        return str(value.pk)
    return "" if value is None else str(value)


def edit_form(page: ServiceGuidePage) -> dict:
    """What the admin's edit form posts back unchanged for `page` (its StreamFields are drawn by
    JavaScript, so the data is built from the page rather than scraped from the HTML)."""
    data = {
        name: _form_value(getattr(page, name))
        for name in [
            *["title", "slug", "code", "name_en", "summary", "summary_en", "item_type", "category", "department"],
            *["service_object"],
            *["status", "effective_date", "channels_visits", "channels_visits_reason", "channels_online_depth"],
            *["channels_visits_reason_en", "result_validity_en"],
            *["result_certificate", "result_certificate_en", "result_validity", "contact_complaint_phone"],
            *["statutory_days", "committed_days", "immediate", "fees_free", "channels_online", "channels_appointment"],
            *["channels_kiosk", "channels_express", "channels_online_payment"],
        ]
    }
    for name in (
        *("legal_basis", "keywords", "conditions", "prohibitions", "contact_consultation_phones"),
        *("legal_basis_en", "conditions_en", "prohibitions_en"),
    ):
        data[name] = streamfield([("item", block.value) for block in getattr(page, name)])
    for relation, fields in ROW_FIELDS.items():
        rows = list(getattr(page, relation).all())
        data[relation] = inline_formset(
            [{"id": str(row.pk), **{f: _form_value(getattr(row, f)) for f in fields}} for row in rows],
            initial=len(rows),
        )
    data["comments"] = inline_formset([])
    form = nested_form_data(data)
    form["result_delivery"] = list(page.result_delivery)
    return form


def test_editor_submits_reviewer_approves_and_the_guide_goes_live(client, reviewer):
    police = Department.objects.get(name=POLICE)
    editor = editor_of(POLICE)
    index = GuideIndexPage.objects.get(category="公安服务")
    client.force_login(editor)
    response = client.post(add_url(index), new_guide_form(police) | {"action-submit": "submit"})
    assert response.status_code == 302, response.context["form"].errors if response.context else response

    page = ServiceGuidePage.objects.get(code="330482-GA-990")
    assert not page.live and page.workflow_in_progress
    assert page.current_workflow_task.name == "审核员审核 Reviewer approval"
    assert client.get(f"/api/v1/guides/{page.code}").status_code == 404
    # In review the page locks for everyone but reviewers.
    assert page.get_lock().for_user(editor) and not page.get_lock().for_user(reviewer)
    assert not page.permissions_for_user(editor).can_publish()

    client.force_login(reviewer)
    task_state = page.current_workflow_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)), {"comment": ""}
    )
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live and not page.workflow_in_progress

    assert client.get(page.url).status_code == 200
    assert "犬只登记（测试）" in client.get(page.url).content.decode()
    listed = {i["code"] for i in client.get("/api/v1/guides", {"limit": 100}).json()["items"]}
    assert "330482-GA-990" in listed
    detail = client.get("/api/v1/guides/330482-GA-990").json()
    assert detail["materials"][1]["necessity"] == "deferrable" and detail["committed_days"] == 5
    assert Change.objects.filter(kind="guide", key="330482-GA-990", action="published").exists()


def test_editor_cannot_publish_directly(client):
    police = Department.objects.get(name=POLICE)
    client.force_login(editor_of(POLICE))
    index = GuideIndexPage.objects.get(category="公安服务")
    client.post(add_url(index), new_guide_form(police) | {"action-publish": "publish"})
    page = ServiceGuidePage.objects.get(code="330482-GA-990")
    assert not page.live


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"committed_days": "30"}, "committed_days", "不得超过法定时限"),
        (
            {"contact_consultation_phones": streamfield([("item", "0573-85011110")])},
            "contact_consultation_phones",
            "12345",
        ),
        ({"channels_visits": "3"}, "channels_visits_reason", "须说明理由"),
        ({"channels_online": "", "channels_online_depth": "pre_review"}, "channels_online_depth", "不一致"),
        ({"fees_free": ""}, None, "须列明收费项目"),
    ],
)
def test_validator_messages_appear_on_the_fields_of_a_new_guide(client, changes, field, text):
    police = Department.objects.get(name=POLICE)
    client.force_login(editor_of(POLICE))
    index = GuideIndexPage.objects.get(category="公安服务")
    response = client.post(add_url(index), new_guide_form(police, **changes) | {"action-submit": "submit"})
    assert response.status_code == 200
    form = response.context["form"]
    if field:
        assert any(text in e for e in form.errors[field]), form.errors
    else:
        assert any(text in e for e in form.formsets["fee_items"].non_form_errors())
    assert text in response.content.decode()
    assert not ServiceGuidePage.objects.filter(code="330482-GA-990").exists()


def test_validator_messages_land_on_the_inline_row_they_name(client):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-Pinghu-2026")
    client.force_login(admin)
    page = ServiceGuidePage.objects.get(code="330482-GA-001")
    assert page.materials.all()[0].from_licence_library
    data = edit_form(page)
    data["materials-0-source"] = "applicant"  # a 免提交 material the applicant would have to bring
    data["steps-3-days"] = "40"  # the steps then take longer than the committed limit
    response = client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data | {"action-publish": "1"})
    assert response.status_code == 200
    materials = response.context["form"].formsets["materials"]
    assert any("电子证照库" in e for e in materials.forms[0].errors["source"])  # in the editor's language (zh)
    assert not materials.forms[1].errors
    steps = response.context["form"].formsets["steps"]
    assert any("超过承诺时限" in e for e in steps.non_form_errors())
    page.refresh_from_db()
    assert page.materials.all()[0].source == "government" and not page.has_unpublished_changes


def test_the_validator_also_runs_when_a_draft_is_saved(client):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-Pinghu-2026")
    client.force_login(admin)
    page = ServiceGuidePage.objects.get(code="330482-GA-001")
    data = edit_form(page)
    response = client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data | {"committed_days": "99"})
    assert response.status_code == 200
    assert any("不得超过法定时限" in e for e in response.context["form"].errors["committed_days"])
    # A draft may leave text empty for now (Wagtail defers required fields); publishing will insist.
    response = client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data | {"summary_en": ""})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.has_unpublished_changes
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)), data | {"summary_en": "", "action-publish": "1"}
    )
    assert response.status_code == 200 and "summary_en" in response.context["form"].errors


@pytest.mark.parametrize(
    ("department", "code", "can_edit"),
    [(POLICE, "330482-GA-001", True), (POLICE, "330482-BDC-001", False), (LAND, "330482-BDC-001", True)],
)
def test_department_editors_edit_only_their_own_guides(client, department, code, can_edit):
    editor = editor_of(department)
    page = ServiceGuidePage.objects.get(code=code)
    permissions = page.permissions_for_user(editor)
    assert permissions.can_edit() is can_edit
    assert not permissions.can_publish()  # editors submit; reviewers publish
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    assert (response.status_code == 200) is can_edit
    if not can_edit:
        data = edit_form(page)
        response = client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data | {"summary": "改了"})
        assert response.status_code != 200
        page.refresh_from_db()
        assert page.get_latest_revision().content["summary"] != "改了"


def test_department_editors_may_file_guides_only_for_their_department(client):
    client.force_login(editor_of(POLICE))
    index = GuideIndexPage.objects.get(category="公安服务")
    form = client.get(add_url(index)).context["form"]
    assert list(form.fields["department"].queryset.values_list("name", flat=True)) == [POLICE]
    land = Department.objects.get(name=LAND)
    response = client.post(add_url(index), new_guide_form(land) | {"action-submit": "submit"})
    assert response.status_code == 200 and "department" in response.context["form"].errors
    assert not index.permissions_for_user(editor_of(POLICE, "editor2")).can_edit()  # the index itself is not theirs


def test_reviewers_and_other_staff_are_not_limited_by_department(reviewer):
    for code in ("330482-GA-001", "330482-BDC-001"):
        permissions = ServiceGuidePage.objects.get(code=code).permissions_for_user(reviewer)
        assert permissions.can_edit() and permissions.can_publish()


def test_every_department_has_an_editors_group_and_new_ones_get_one():
    assert not Department.objects.filter(editors=None).exists()
    department = Department.objects.create(name="平湖市测试局")
    assert department.editors.name == "编辑 · 平湖市测试局"
    assert department.editors.permissions.filter(codename="access_admin").exists()


def test_scheduled_publishing_and_unpublishing(reviewer):
    page = ServiceGuidePage.objects.get(code="330482-GA-002")
    page.summary = "定时发布的新概述。"
    page.go_live_at = clock.now() + dt.timedelta(hours=1)
    page.save_revision(user=reviewer).publish(user=reviewer)
    page.refresh_from_db()
    revision = page.get_latest_revision()
    assert revision.approved_go_live_at is not None and page.summary != "定时发布的新概述。"
    # An hour later: move the schedule into the past rather than wait.
    past = clock.now() - dt.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    before = Change.objects.count()
    call_command("run_periodic", "--once", stdout=io.StringIO())
    page.refresh_from_db()
    assert page.summary == "定时发布的新概述。" and page.live
    assert Change.objects.filter(pk__gt=before, key="330482-GA-002", action="published").exists()

    page.expire_at = clock.now() - dt.timedelta(minutes=1)
    page.save(update_fields=["expire_at"])
    call_command("publish_scheduled", stdout=io.StringIO())
    page.refresh_from_db()
    assert not page.live and page.expired
    assert Change.objects.filter(key="330482-GA-002", action="unpublished").exists()


def test_revisions_can_be_compared_and_reverted(client):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-Pinghu-2026")
    client.force_login(admin)
    page = ServiceGuidePage.objects.get(code="330482-GA-003")
    first = page.get_latest_revision()
    data = edit_form(page)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)), data | {"summary": "修订后的概述。", "action-publish": "1"}
    )
    assert response.status_code == 302
    page.refresh_from_db()
    second = page.get_latest_revision()
    assert second.pk != first.pk and page.summary == "修订后的概述。"
    compare = client.get(reverse("wagtailadmin_pages:revisions_compare", args=(page.pk, first.pk, second.pk)))
    assert compare.status_code == 200 and "修订后的概述。" in compare.content.decode()
    revert = client.get(reverse("wagtailadmin_pages:revisions_revert", args=(page.pk, first.pk)))
    assert revert.status_code == 200
    assert revert.context["form"].initial["summary"] == first.as_object().summary != "修订后的概述。"


def test_admin_shows_the_six_tabs_of_the_standard(client):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-Pinghu-2026")
    client.force_login(admin)
    html = client.get(
        reverse("wagtailadmin_pages:edit", args=(ServiceGuidePage.objects.get(code="330482-GA-001").pk,))
    ).content.decode()
    for tab in ("内容 content", "材料 materials", "条件 conditions", "流程 process", "时限 time", "收费 fees"):
        assert tab in html


def test_departments_are_snippets_with_their_editors_group(client):
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-Pinghu-2026"))
    html = client.get(reverse("wagtailsnippets_services_department:list")).content.decode()
    assert POLICE in html and f"编辑 · {POLICE}" in html


def centre_form(page: CentrePage) -> dict:
    """What the centre editor posts back unchanged: hour rules as checkboxes and "HH:MM-HH:MM, …" text."""
    fields = [
        "title",
        "slug",
        "code",
        "name_en",
        "kind",
        "town",
        "address",
        "address_en",
        "latitude",
        "longitude",
        "phone",
        "volunteers",
    ]
    data = {name: _form_value(getattr(page, name)) for name in fields}
    windows = list(page.windows.all())
    data["windows"] = inline_formset(
        [{"id": str(w.pk), "category": w.category, "count": str(w.count)} for w in windows], initial=len(windows)
    )
    rules = list(page.hours.all())
    data["hours"] = inline_formset(
        [
            {
                "id": str(r.pk),
                "kind": r.kind,
                "periods": ", ".join(r.periods),
                "every_weeks": str(r.every_weeks),
                "rota_start": _form_value(r.rota_start),
                "note": r.note,
            }
            for r in rules
        ],
        initial=len(rules),
    )
    data["comments"] = inline_formset([])
    form = nested_form_data(data)
    for i, rule in enumerate(rules):
        form[f"hours-{i}-categories"] = list(rule.categories)
        form[f"hours-{i}-weekdays"] = [str(d) for d in rule.weekdays]
    return form


def test_centre_hour_rules_are_edited_as_checkboxes_and_checked(client):
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-Pinghu-2026"))
    page = CentrePage.objects.get(code="city")
    url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    extended = next(i for i, r in enumerate(page.hours.all()) if r.kind == "extended")

    bad = centre_form(page) | {f"hours-{extended}-periods": "19:00-17:00", "action-publish": "1"}
    response = client.post(url, bad)
    assert response.status_code == 200
    errors = response.context["form"].formsets["hours"].forms[extended].errors
    assert "start before end" in str(errors) and "办公时间规则有误" in str(errors)

    good = centre_form(page) | {f"hours-{extended}-periods": "17:00-19:30", "action-publish": "1"}
    good[f"hours-{extended}-weekdays"] = ["2", "4"]
    assert client.post(url, good).status_code == 302
    rule = CentrePage.objects.get(code="city").hours.all()[extended]
    assert rule.weekdays == [2, 4] and rule.periods == ["17:00-19:30"]
    assert rule.categories == ["不动产登记", "商事登记", "公安服务"]
    assert Change.objects.filter(kind="centre", key="city", action="published").exists()


# ---- English: missing translations warn, and never block


def test_a_guide_without_some_english_is_published_with_a_warning(client):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-Pinghu-2026")
    client.force_login(admin)
    page = ServiceGuidePage.objects.get(code="330482-GA-001")
    data = edit_form(page) | {"materials-1-notes_en": "", "faq-0-answer_en": "", "action-publish": "1"}
    response = client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any("2 处文字尚无英文" in m and "materials[1].notes_en" in m and "faq[0].answer_en" in m for m in shown)
    page.refresh_from_db()
    assert page.live and not page.has_unpublished_changes  # published all the same
    assert page.materials.all()[1].notes_en == "" and page.materials.all()[1].notes


def test_the_editor_lists_the_texts_without_english(client):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-Pinghu-2026")
    client.force_login(admin)
    page = ServiceGuidePage.objects.get(code="330482-GA-001")
    edit = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    assert "全部文字均有英文" in client.get(edit).content.decode()
    police = page.department
    police.name_en = ""
    police.save()
    step = page.steps.all()[2]
    step.actor_en = ""
    step.save()
    html = client.get(edit).content.decode()
    assert (
        "2 处文字尚无英文" in html and "<code>department_en</code>" in html and "<code>steps[2].actor_en</code>" in html
    )
    assert "嘉兴市公安局制证中心" in html  # the Chinese text that needs its English


def test_saving_a_new_guide_with_english_everywhere_warns_of_nothing(client):
    police = Department.objects.get(name=POLICE)
    client.force_login(editor_of(POLICE))
    index = GuideIndexPage.objects.get(category="公安服务")
    response = client.post(add_url(index), new_guide_form(police) | {"action-submit": "submit"}, follow=True)
    assert response.status_code == 200
    assert not any("尚无英文" in str(m) for m in response.context["messages"])
