"""Copying a guide or a centre in the admin asks for the copy's own code instead of failing on the unique one."""

import pytest

from cms.centres.models import CentrePage
from cms.services.models import ServiceGuidePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("chief", "chief@example.com", "pw"))
    return client


@pytest.mark.parametrize(
    ("model", "code", "taken", "new"),
    [(ServiceGuidePage, "330482-GA-001", "330482-GA-002", "330482-GA-901"), (CentrePage, "city", "city", "city-copy")],
)
def test_a_copy_gets_a_new_code_asked_for_never_a_500(admin, model, code, taken, new):
    page = model.objects.get(code=code)
    url = f"/admin/pages/{page.pk}/copy/"
    form = admin.get(url)
    assert form.status_code == 200 and "新编码 New code" in form.content.decode()

    refused = admin.post(url, {"title": "副本", "code": taken})  # before: Wagtail's copy broke the unique code
    assert refused.status_code == 200 and "this code is taken" in refused.content.decode()
    bad = admin.post(url, {"title": "副本", "code": "no spaces allowed"})
    assert bad.status_code == 200 and "the code is not in the standard" in bad.content.decode()

    done = admin.post(url, {"title": "副本", "code": new})
    copy = model.objects.get(code=new)
    assert done.status_code == 302 and done["Location"] == f"/admin/pages/{copy.pk}/edit/"
    assert not copy.live and copy.get_parent().pk == page.get_parent().pk
