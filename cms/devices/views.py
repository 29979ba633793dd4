"""Admin views for kiosks: the token is shown once, on the page that answers the create form."""

from django import forms
from django.template.response import TemplateResponse
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic

from cms.devices.models import KioskDevice


class KioskCreateForm(WagtailAdminModelForm):
    class Meta:
        model = KioskDevice
        fields = ["name", "centre"]


class KioskEditForm(WagtailAdminModelForm):
    revoked = forms.BooleanField(label="吊销令牌 revoke the token", required=False)
    new_token = forms.BooleanField(label="签发新令牌 issue a new token (the old one stops working)", required=False)

    class Meta:
        model = KioskDevice
        fields = ["name", "centre"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revoked"].initial = self.instance.revoked_at is not None


class _ShowsToken:
    """After saving, answer with the new token (once) instead of redirecting to the listing."""

    token: str | None = None

    def save_action(self):
        if self.token is None:
            return super().save_action()
        return TemplateResponse(
            self.request,
            "devices/admin/token.html",
            {"device": self.object, "token": self.token, "index_url": self.get_success_url()},
        )


class KioskCreateView(_ShowsToken, generic.CreateView):
    def save_instance(self):
        device = self.form.save(commit=False)
        self.token = device.issue_token()
        device.save()
        return device


class KioskEditView(_ShowsToken, generic.EditView):
    def save_instance(self):
        device = self.form.save(commit=False)
        if self.form.cleaned_data["revoked"]:
            device.revoke()
        elif self.form.cleaned_data["new_token"]:  # the one way back for a revoked kiosk: never a mere edit
            device.revoked_at = None
            self.token = device.issue_token()
        device.save()
        return device


def status_label(device: KioskDevice) -> str:
    if device.revoked_at:
        return f"已吊销 revoked {timezone.localtime(device.revoked_at):%Y-%m-%d %H:%M}"
    return "有效 active"
