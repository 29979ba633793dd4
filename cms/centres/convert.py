"""A centre in the standard (`guides.centres.Centre`) to and from its `CentrePage`, both ways mechanical."""

from cms.centres.models import CentreHourRule, CentrePage, CentreWindow
from cms.core.orderable import ordered
from guides.centres import Centre, HourRule

_FIELDS = [f for f in Centre.model_fields if f not in ("name", "windows", "hours")]


def centre_from_page(page: CentrePage) -> Centre:
    data = {field: getattr(page, field) for field in _FIELDS}
    data["name"] = page.title
    data["windows"] = {w.category: w.count for w in page.windows.all()}
    data["hours"] = [{f: getattr(rule, f) for f in HourRule.model_fields} for rule in page.hours.all()]
    return Centre.model_validate(data)


def apply_centre(page: CentrePage, centre: Centre) -> None:
    data = centre.model_dump()
    page.title = data.pop("name")
    page.slug = centre.code
    page.windows = ordered(CentreWindow(category=c, count=n) for c, n in data.pop("windows").items())
    page.hours = ordered(CentreHourRule(**rule) for rule in data.pop("hours"))
    for field, value in data.items():
        setattr(page, field, value)
