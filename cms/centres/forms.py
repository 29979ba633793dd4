"""The centre editor: hour rules edited as checkboxes and plain text rather than JSON, and the whole
centre checked against `guides.centres.Centre` (the model the hours arithmetic reads) on save."""

import json

from django import forms
from pydantic import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm

from guides.centres import Centre
from guides.enums import WindowCategory

WEEKDAY_CHOICES = [
    (1, "周一 Mon"),
    (2, "周二 Tue"),
    (3, "周三 Wed"),
    (4, "周四 Thu"),
    (5, "周五 Fri"),
    (6, "周六 Sat"),
    (7, "周日 Sun"),
]
CATEGORY_CHOICES = [(c.value, c.value) for c in WindowCategory]


def _as_list(value) -> list:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return value if isinstance(value, list) else []


class JSONCheckboxes(forms.CheckboxSelectMultiple):
    """A JSON list field shown as checkboxes; `integers` for weekdays."""

    def __init__(self, *args, integers: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.integers = integers

    def format_value(self, value):
        return [str(v) for v in _as_list(value)]

    def value_from_datadict(self, data, files, name):
        values = super().value_from_datadict(data, files, name)
        if self.integers:
            values = [int(v) for v in values if str(v).isdigit()]
        return json.dumps(values, ensure_ascii=False)  # JSON text: forms.JSONField takes "[]" but not [] for "none"


class JSONPeriods(forms.TextInput):
    """Opening periods as "08:30-12:00, 13:30-17:00", stored as a JSON list."""

    def format_value(self, value):
        return ", ".join(str(v) for v in _as_list(value))

    def value_from_datadict(self, data, files, name):
        text = data.get(name, "")
        return json.dumps([p.strip() for p in text.replace("，", ",").split(",") if p.strip()])


class CentreAdminForm(WagtailAdminPageForm):
    """Refuses a centre the hours arithmetic could not read, naming the rule that is wrong."""

    def clean(self):
        cleaned = super().clean()
        windows = [f.cleaned_data for f in _live(self.formsets["windows"])]
        rules = _live(self.formsets["hours"])
        data = {
            "code": cleaned.get("code"),
            "name": cleaned.get("title"),
            "name_en": cleaned.get("name_en"),
            "kind": cleaned.get("kind"),
            "town": cleaned.get("town"),
            "address": cleaned.get("address"),
            "address_en": cleaned.get("address_en", ""),
            "latitude": cleaned.get("latitude"),
            "longitude": cleaned.get("longitude"),
            "phone": cleaned.get("phone"),
            "volunteers": cleaned.get("volunteers", False),
            "windows": {w["category"]: w["count"] for w in windows if w.get("category") and w.get("count")},
            "hours": [_rule(f.cleaned_data) for f in rules],
        }
        if any(value is None for key, value in data.items() if key not in ("hours", "windows")):
            return cleaned  # Django has already reported the missing field
        try:
            Centre.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = error["loc"]
                if self.is_deferred_validation and loc and loc[0] != "hours":
                    continue  # a draft may leave text empty for now; publishing will insist
                message = f"办公时间规则有误 / invalid: {error['msg']}"
                if loc and loc[0] == "hours" and len(loc) > 1 and isinstance(loc[1], int) and loc[1] < len(rules):
                    field = loc[2] if len(loc) > 2 and loc[2] in rules[loc[1]].fields else None
                    rules[loc[1]].add_error(field, message)
                elif loc and loc[0] in self.fields:
                    self.add_error(loc[0], message)
                else:
                    self.add_error(None, message)
        return cleaned


def _rule(data: dict) -> dict:
    return {
        "kind": data.get("kind"),
        "categories": data.get("categories") or [],
        "weekdays": data.get("weekdays") or [],
        "periods": data.get("periods") or [],
        "every_weeks": data.get("every_weeks") or 1,
        "rota_start": data.get("rota_start"),
        "note": data.get("note") or "",
        "note_en": data.get("note_en") or "",
    }


def _live(formset) -> list[forms.Form]:
    formset.is_valid()
    return [f for f in formset.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]
