"""The admin for Chinese editors (issue 18, item 10): the page search finds guides by code and by Chinese words
through our search (cms/search/backend.py), within what the editor may see; the validator speaks the editor's
language."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Page
from wagtail.users.models import UserProfile

from cms.services.models import ServiceGuidePage

pytestmark = pytest.mark.django_db

ID_CARD = "居民身份证申领/换领/补领"
TEMPORARY_ID_CARD = "临时居民身份证"
PASSPORT = "普通护照签发"


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-Pinghu-2026"))
    return client


def found(client, q: str) -> list[str]:
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": q})
    assert response.status_code == 200
    return [page.title for page in response.context["object_list"]]


@pytest.mark.parametrize(
    ("q", "first", "also"),
    [
        ("身份证", ID_CARD, [TEMPORARY_ID_CARD]),
        ("护照", PASSPORT, []),
        ("GA-001", ID_CARD, []),
        ("330482-GA-001", ID_CARD, []),
        ("330482-ga-003", PASSPORT, []),
        ("居民身份证", ID_CARD, [TEMPORARY_ID_CARD]),  # what the database backend found already
        ("huzhao", PASSPORT, []),  # pinyin, through our index
    ],
)
def test_admin_page_search_finds_guides_by_code_and_chinese_words(admin_client, q, first, also):
    titles = found(admin_client, q)
    assert titles and titles[0] == first, titles
    for title in also:
        assert title in titles


def test_a_code_finds_that_guide_only(admin_client):
    assert found(admin_client, "330482-GA-001") == [ID_CARD]


def test_admin_search_finds_drafts_by_title(admin_client):
    page = ServiceGuidePage.objects.get(code="330482-GA-003")
    page.unpublish()  # our index holds live guides; the title still finds it
    assert PASSPORT in found(admin_client, "护照")


def test_admin_search_filters_still_apply(admin_client):
    response = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": "身份证 live:no"})
    assert response.status_code == 200
    assert ID_CARD not in [p.title for p in response.context["object_list"]]
    ServiceGuidePage.objects.get(code="330482-GA-001").unpublish()
    response = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": "身份证 live:no"})
    assert [p.title for p in response.context["object_list"]] == [ID_CARD]


def test_admin_search_pages_through_results_and_counts_page_types(admin_client):
    response = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": "证"})
    assert response.status_code == 200
    types = dict((ct.model, n) for ct, n in response.context["content_types"])
    assert types["serviceguidepage"] == response.context["paginator"].count > 0


def test_guides_found_are_only_those_of_the_queryset_searched():
    """The admin narrows the queryset (the editor's pages, a page type, live or not); our hits keep to it."""
    assert list(Page.objects.filter(depth__lte=3).search("护照")) == []
    police = list(ServiceGuidePage.objects.filter(department__name="平湖市公安局").values_list("pk", flat=True))
    assert PASSPORT in [p.title for p in Page.objects.filter(pk__in=police).search("护照")]
    assert list(Page.objects.exclude(pk__in=police).autocomplete("GA-003")) == []


def test_the_python_search_api_finds_chinese_words_too():
    titles = [p.title for p in Page.objects.live().search("身份证")]
    assert ID_CARD in titles and TEMPORARY_ID_CARD in titles
    assert [p.title for p in Page.objects.autocomplete("GA-003")] == [PASSPORT]


# --- the validator in the editor's language --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [
        (
            None,
            ["电子证照库", "超过承诺时限"],
            ["e-licence library", "committed limit"],
        ),  # the admin's default: Chinese
        ("en", ["e-licence library", "committed limit"], ["电子证照库", "超过承诺时限"]),
    ],
)
def test_validator_messages_are_in_the_editors_language(client, language, shown, not_shown):
    from tests.cms.test_workflow import edit_form

    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-Pinghu-2026")
    if language:
        profile = UserProfile.get_for_user(admin)
        profile.preferred_language = language
        profile.save()
    client.force_login(admin)
    page = ServiceGuidePage.objects.get(code="330482-GA-001")
    data = edit_form(page)
    data["materials-0-source"] = "applicant"  # a 免提交 material the applicant would have to bring
    data["steps-3-days"] = "40"  # the steps then take longer than the committed limit
    response = client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data | {"action-publish": "1"})
    assert response.status_code == 200
    form = response.context["form"]
    messages = " ".join(
        [*form.formsets["materials"].forms[0].errors["source"], *form.formsets["steps"].non_form_errors()]
    )
    for text in shown:
        assert text in messages
    for text in not_shown:
        assert text not in messages


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [(None, "处文字尚无英文", "texts still have no"), ("en", "texts still have no English", "尚无英文")],
)
def test_translation_reminder_is_in_the_editors_language(client, language, shown, not_shown):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-Pinghu-2026")
    if language:
        profile = UserProfile.get_for_user(admin)
        profile.preferred_language = language
        profile.save()
    client.force_login(admin)
    page = ServiceGuidePage.objects.get(code="330482-GA-001")
    step = page.steps.all()[2]
    step.actor_en = ""
    step.save()
    html = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,))).content.decode()
    assert shown in html and not_shown not in html
