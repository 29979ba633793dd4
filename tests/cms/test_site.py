"""The site set-up: page tree, admin account, and the public pages render."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cms.centres.models import CentrePage
from cms.services.models import GuideIndexPage
from guides.enums import WindowCategory

pytestmark = pytest.mark.django_db


def test_tree_has_the_seven_categories_and_the_centres():
    assert set(GuideIndexPage.objects.values_list("category", flat=True)) == set(WindowCategory)
    assert CentrePage.objects.live().count() == 7
    assert CentrePage.objects.get(code="shantang").kind == "village"


def test_load_demo_again_creates_nothing():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "centres: 0 created, 0 updated, 7 unchanged" in out.getvalue()
    assert "guides: 0 created, 0 updated" in out.getvalue()


def test_ensure_admin_uses_admin_password_once(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "s3cret-Pinghu-2026")
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("s3cret-Pinghu-2026")
    assert "s3cret" not in out.getvalue()
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    assert out.getvalue() == ""
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


def test_ensure_admin_generates_and_prints_a_password(monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    password = out.getvalue().split("password ")[1].split(" ")[0]
    assert get_user_model().objects.get(username="admin").check_password(password)


@pytest.mark.parametrize("path", ["/", "/police/", "/police/330482-ga-001/", "/centres/", "/centres/city/"])
def test_public_pages_render(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in response.content.decode()


def test_guide_page_shows_badges_and_materials(client):
    html = client.get("/police/330482-ga-001/").content.decode()
    assert "最多跑一次" in html and "免提交" in html and "居民户口簿" in html
