"""Converting between a guide in the standard (`guides.schema.Guide`) and a `ServiceGuidePage`.

Page fields carry the schema's names (nested groups flattened with a prefix, `result_certificate`),
so both directions are mechanical and a round trip is lossless. Departments' English names live on
`Department`, not on the page: `department_en` and `co_departments_en` are read from there.
"""

from collections.abc import Iterable

from pydantic import ValidationError

from cms.core.orderable import ordered
from cms.services.models import (
    Department,
    GuideCentre,
    GuideCoDepartment,
    GuideFaq,
    GuideFeeItem,
    GuideMaterial,
    GuideSpecialProcedure,
    GuideStep,
    ServiceGuidePage,
)
from guides.schema import Channels, Contact, Faq, FeeItem, Guide, Material, Result, SpecialProcedure, Step
from guides.validate import Untranslated, untranslated

# relation name on the page → (row model, schema of one row)
ROWS = {
    "materials": (GuideMaterial, Material),
    "steps": (GuideStep, Step),
    "special_procedures": (GuideSpecialProcedure, SpecialProcedure),
    "faq": (GuideFaq, Faq),
}
GROUPS = {"result": Result, "channels": Channels, "contact": Contact}  # flattened as `<group>_<field>`
TEXT_LISTS = {
    "legal_basis",
    "legal_basis_en",
    "keywords",
    "conditions",
    "conditions_en",
    "prohibitions",
    "prohibitions_en",
    "contact_consultation_phones",
}
DEPARTMENT_FIELDS = {"department", "department_en", "co_departments", "co_departments_en"}
_SPECIAL = {"name", *DEPARTMENT_FIELDS, "centres", "fees", *ROWS, *GROUPS}


def apply_guide(page: ServiceGuidePage, guide: Guide, departments: dict[str, Department], centres: dict) -> None:
    """Set every field and row of `page` from `guide`. `departments` and `centres` map names/codes to objects."""
    data = guide.model_dump()
    page.title = data.pop("name")
    page.department = departments[data.pop("department")]
    page.co_department_links = ordered(GuideCoDepartment(department=departments[n]) for n in data.pop("co_departments"))
    del data["department_en"], data["co_departments_en"]  # kept on the departments themselves
    page.centre_links = ordered(GuideCentre(centre=centres[code]) for code in data.pop("centres"))
    fees = data.pop("fees")
    page.fees_free = fees["free"]
    page.fee_items = ordered(GuideFeeItem(**item) for item in fees["items"])
    for relation, (model, _) in ROWS.items():
        setattr(page, relation, ordered(model(**row) for row in data.pop(relation)))
    for group in GROUPS:
        data |= {f"{group}_{key}": value for key, value in data.pop(group).items()}
    for field, value in data.items():
        setattr(page, field, [("item", v) for v in value] if field in TEXT_LISTS else value)


def guide_from_page(page: ServiceGuidePage) -> Guide:
    """The page as a guide in the standard (validated by the schema)."""
    data = {field: _value(page, field) for field in Guide.model_fields if field not in _SPECIAL}
    for group, schema in GROUPS.items():
        data[group] = {key: _value(page, f"{group}_{key}") for key in schema.model_fields}
    data["name"] = page.title
    data["department"] = page.department.name
    data["department_en"] = page.department.name_en
    co_departments = [link.department for link in page.co_department_links.all()]
    data["co_departments"] = [d.name for d in co_departments]
    data["co_departments_en"] = english_names(co_departments)
    data["centres"] = [link.centre.code for link in page.centre_links.all()]
    data["fees"] = {"free": page.fees_free, "items": [_row(item, FeeItem) for item in page.fee_items.all()]}
    for relation, (_, schema) in ROWS.items():
        data[relation] = [_row(row, schema) for row in getattr(page, relation).all()]
    return Guide.model_validate(data)


def english_names(departments: Iterable[Department]) -> list[str]:
    """The English names of co-departments, item by item; none at all when no department has one."""
    names = [d.name_en for d in departments]
    return names if any(names) else []


def untranslated_fields(page: ServiceGuidePage) -> list[Untranslated] | None:
    """The guide's texts still without English, or None while the page is not a valid guide yet
    (a draft: the editor sees its errors first)."""
    if page.department_id is None:
        return None
    try:
        guide = guide_from_page(page)
    except ValidationError:
        return None
    return untranslated(guide)


def _value(page: ServiceGuidePage, field: str):
    value = getattr(page, field)
    return [block.value for block in value] if field in TEXT_LISTS else value


def _row(obj, schema) -> dict:
    return {field: getattr(obj, field) for field in schema.model_fields}
