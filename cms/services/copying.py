"""Copying a guide or a centre in the admin: the copy needs its own code (both are unique), so our page asks
for it, instead of Wagtail's copy form, whose copy would break the unique code (a 500)."""

import re

from django import forms
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.text import slugify
from wagtail.admin import messages

from cms.centres.models import CentrePage
from cms.services.models import ServiceGuidePage

GUIDE_CODE = re.compile(r"^[0-9A-Z][0-9A-Z-]{5,39}$")  # the standard's 实施编码 (guides/schema.py)
CENTRE_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


class CopyForm(forms.Form):
    title = forms.CharField(label="新标题 New title", max_length=255)
    code = forms.CharField(label="新编码 New code", max_length=40)

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page

    def clean_code(self):
        model = type(self.page)
        code = self.cleaned_data["code"].strip()
        code = code.upper() if model is ServiceGuidePage else code.lower()
        pattern = GUIDE_CODE if model is ServiceGuidePage else CENTRE_CODE
        if not pattern.match(code):
            raise forms.ValidationError("编码格式不正确 / the code is not in the standard's form")
        if model.objects.filter(code=code).exists():
            raise forms.ValidationError("该编码已被使用，请另取一个 / this code is taken; choose another")
        return code


def copy_with_new_code(request, page):
    """GET: the form, prefilled; POST: the copy (a draft, under the same parent), then its editor."""
    page = page.specific
    form = CopyForm(request.POST or None, page=page, initial={"title": f"{page.title}（副本）", "code": ""})
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        copy = page.copy(
            to=page.get_parent(),
            update_attrs={"title": form.cleaned_data["title"], "code": code, "slug": slugify(code)},
            keep_live=False,
            user=request.user,
        )
        messages.success(request, f"已复制为草稿 {code} / copied as a draft")
        return redirect("wagtailadmin_pages:edit", copy.pk)
    return TemplateResponse(request, "services/admin/copy.html", {"page": page, "form": form})


def is_coded(page) -> bool:
    return isinstance(page.specific, ServiceGuidePage | CentrePage)
