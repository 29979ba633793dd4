"""The guide editor's form: the validator of `guides/` runs on save and on publish, and each problem it
finds appears on the field, or the inline row, that it names.

`cms.services.models` uses this form as the guide page's base form, so this module imports the models
(and what imports them) inside its functions.
"""

import re
from typing import Any

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from cms.centres.models import CentrePage
from cms.core import i18n
from guides.enums import Delivery
from guides.schema import FeeItem, Guide
from guides.validate import Problem, check_catalogue, check_guide

# Problem paths whose rows are inline formsets: path prefix → (relation, field of a row given as a bare value)
_FORMSETS = {
    "fees.items": ("fee_items", None),
    "materials": ("materials", None),
    "steps": ("steps", None),
    "special_procedures": ("special_procedures", None),
    "faq": ("faq", None),
    "centres": ("centre_links", "centre"),
    "co_departments": ("co_department_links", "department"),
}
_FIELDS = {"name": "title", "fees": "fees_free", "fees.free": "fees_free"}
_ROW = re.compile(r"^\[(\d+)\](?:\.(\w+))?$")
_STEP = re.compile(r"\.|\[(\d+)\]")


class GuideAdminForm(WagtailAdminPageForm):
    """Checks the whole guide against the standard, as `import_guides` does for a file."""

    result_delivery = forms.MultipleChoiceField(
        label="送达方式 delivery",
        choices=[
            (Delivery.PICKUP.value, "窗口领取 pickup"),
            (Delivery.EXPRESS.value, "快递送达 express"),
            (Delivery.ELECTRONIC.value, "电子证照 electronic"),
        ],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from cms.services.permissions import editable_department_ids

        allowed = editable_department_ids(self.for_user) if self.for_user else None
        if allowed is not None and "department" in self.fields:
            self.fields["department"].queryset = self.fields["department"].queryset.filter(id__in=allowed)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not getattr(self, "_standard_checked", False):
            self._standard_checked = True  # is_valid may be asked twice; show each problem once
            data, rows = self._guide_data()
            for problem in self._problems(data):
                if self.is_deferred_validation and _blank(data, problem.field):
                    continue  # a draft may leave fields empty; publishing will insist
                self._show(problem, rows)
        return valid and not self.errors and all(not f.total_error_count() for f in self.formsets.values())

    def _problems(self, data: dict) -> list[Problem]:
        guide, problems = check_guide(data)
        if guide is not None:
            centres = CentrePage.objects.prefetch_related("windows")
            windows = {c.code: {w.category for w in c.windows.all()} for c in centres}
            problems += check_catalogue([("", guide)], windows)
        return problems

    def _guide_data(self) -> tuple[dict, dict[str, list[forms.Form]]]:
        """The guide as `guides.schema` data, from the cleaned form; values with errors are left out."""
        from cms.services import standard
        from cms.services.models import ServiceGuidePage

        cleaned = getattr(self, "cleaned_data", {})
        flat: dict[str, Any] = {}
        for field in ServiceGuidePage._meta.get_fields():
            name = field.name
            if name in cleaned:
                flat[name] = cleaned[name]
            elif name not in self.fields and hasattr(self.instance, name) and not field.is_relation:
                flat[name] = getattr(self.instance, name)  # not on the form: keeps the page's value
        for name in standard.TEXT_LISTS & flat.keys():
            flat[name] = [child.value for child in flat[name] or []]
        rows = {relation: _live_forms(self.formsets[relation]) for relation, _ in _FORMSETS.values()}

        data: dict[str, Any] = {}
        if "title" in flat:
            data["name"] = flat.pop("title")
        if flat.get("department") is not None:
            department = flat.pop("department")
            data["department"], data["department_en"] = department.name, department.name_en
        # A row whose choice has an error keeps its place (as "") so later rows keep their index.
        co_departments = [f.cleaned_data.get("department") for f in rows["co_department_links"]]
        data["co_departments"] = [getattr(d, "name", "") for d in co_departments]
        data["co_departments_en"] = standard.english_names(d for d in co_departments if d is not None)
        data["centres"] = [getattr(f.cleaned_data.get("centre"), "code", "") for f in rows["centre_links"]]
        data["fees"] = {"items": [_row(f, "fee_items") for f in rows["fee_items"]]}
        if "fees_free" in flat:
            data["fees"]["free"] = flat["fees_free"]
        for relation in standard.ROWS:
            data[relation] = [_row(f, relation) for f in rows[relation]]
        for group, schema in standard.GROUPS.items():
            data[group] = {key: flat[f"{group}_{key}"] for key in schema.model_fields if f"{group}_{key}" in flat}
        for field in Guide.model_fields:
            if field not in data and field in flat:
                data[field] = flat[field]
        return data, rows

    def _show(self, problem: Problem, rows: dict[str, list[forms.Form]]) -> None:
        message = i18n.pick(problem.zh, problem.en)  # in the editor's language (Wagtail activates their choice)
        path = problem.field
        for prefix, (relation, bare_field) in sorted(_FORMSETS.items(), key=lambda item: -len(item[0])):
            if path != prefix and not path.startswith(prefix + "["):
                continue
            match = _ROW.match(path[len(prefix) :])
            formset = self.formsets[relation]
            if match and int(match[1]) < len(rows[relation]):
                form = rows[relation][int(match[1])]
                field = match[2] or bare_field
                if field not in form.fields:
                    field = None
                if field is None or field not in form.errors:
                    form.add_error(field, message)
            else:
                formset.non_form_errors()  # makes sure the list exists before we append to it
                formset._non_form_errors.append(message)
            return
        top = path.split("[")[0]
        field = _FIELDS.get(top) or top.replace(".", "_")
        if field not in self.fields:
            self.add_error(None, message)
        elif field not in self.errors:
            self.add_error(field, message)


def _live_forms(formset) -> list[forms.Form]:
    """The rows that will be saved, in their order on the page."""
    live = [f for f in formset.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE", False)]
    if formset.can_order:
        live.sort(key=lambda f: (f.cleaned_data.get("ORDER") is None, f.cleaned_data.get("ORDER") or 0))
    return live


def _row(form: forms.Form, relation: str) -> dict:
    from cms.services import standard

    schema = FeeItem if relation == "fee_items" else standard.ROWS[relation][1]
    return {name: form.cleaned_data[name] for name in schema.model_fields if name in form.cleaned_data}


def _blank(data: Any, path: str) -> bool:
    """Whether the value at a problem's path is missing or empty, i.e. a required-field problem."""
    value = data
    for part in (p for p in _STEP.split(path) if p):
        if part.isdigit() and isinstance(value, list) and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return True
    return value in (None, "", [], {})
