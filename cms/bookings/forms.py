"""The website's booking forms: plain HTML forms with CSRF, no JavaScript needed."""

from django import forms

from cms.core.enums import Language


class PersonalFields(forms.Form):
    name = forms.CharField(label="姓名 Name", max_length=50)
    phone = forms.CharField(label="手机号 Phone", max_length=20)
    id_number = forms.CharField(
        label="身份证号或统一社会信用代码 ID number or credit code",
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(label="电子邮箱（选填，用于接收确认和提醒）E-mail (optional, for notices)", required=False)
    language = forms.ChoiceField(label="通知语言 Notice language", choices=Language.choices)


class BookForm(PersonalFields):
    slot = forms.IntegerField(widget=forms.HiddenInput)
    guide = forms.CharField(widget=forms.HiddenInput)
    # One per rendered form: a second submit of the same form (double click, back button) is a replay.
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class LookupForm(forms.Form):
    code = forms.CharField(label="预约码 Booking code", max_length=12)
    id_number = forms.CharField(
        label="证件号 ID number", max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class RescheduleForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput)
