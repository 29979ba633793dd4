"""The website's booking forms: plain HTML forms with CSRF, no JavaScript needed."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cms.identity.privacy import refusal_for


class TelInput(forms.TextInput):
    input_type = "tel"


class PersonalFields(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("person", "Name"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        widget=TelInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    id_number = forms.CharField(
        label=_("ID number or unified social credit code"),
        max_length=18,  # both are 18 characters
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    email = forms.EmailField(
        label=_("E-mail (optional, for the confirmation and a reminder)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        # Django's own Chinese says "Email" in Latin letters; ours reads as one language
        error_messages={"invalid": _("Please enter a valid e-mail address.")},
    )


class BookForm(PersonalFields):
    phone_code = forms.CharField(
        label=_("Text-message code (press “Send code” to get one)"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    slot = forms.IntegerField(widget=forms.HiddenInput)
    guide = forms.CharField(widget=forms.HiddenInput)
    # One per rendered form: a second submit of the same form (double click, back button) is a replay.
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=100)
    # The notice version the box agrees to; drawn by forms/_consent.html, not among the visible fields.
    consent = forms.CharField(widget=forms.HiddenInput, max_length=20, required=False)

    def clean_consent(self) -> str:
        """Said with the other fields' errors; the booking service keeps the same rule (cms/identity/privacy.py)."""
        value = self.cleaned_data.get("consent", "")
        if (refusal := refusal_for(value)) is not None:
            raise forms.ValidationError(refusal.fields["consent"].speak(translation.get_language() or ""))
        return value


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Booking code"), max_length=12)
    id_number = forms.CharField(
        label=_("ID number"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class RescheduleForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput)


class SignedInBookForm(forms.Form):
    """The booking form of a signed-in person: who they are comes from the identity provider, nothing typed."""

    email = PersonalFields.base_fields["email"]
    slot = forms.IntegerField(widget=forms.HiddenInput)
    guide = forms.CharField(widget=forms.HiddenInput)
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=100)
