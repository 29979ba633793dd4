"""Loading centres from the published YAML (`guides/demo/centres.yaml`), created or updated by code."""

from pathlib import Path

from django.db import transaction

from cms.centres.models import CentreHourRule, CentreIndexPage, CentrePage, CentreWindow
from cms.home.site import ensure_site_tree
from cms.services.standard import ordered
from guides.centres import Centre, HourRule, load_centres

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


@transaction.atomic
def import_centres(path: Path) -> dict[str, int]:
    """Create or update every centre in the file; unchanged centres get no new revision."""
    centres = load_centres(path)
    ensure_site_tree()
    index = CentreIndexPage.objects.get()
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for centre in centres:
        page = CentrePage.objects.filter(code=centre.code).first()
        if page is not None and centre_from_page(page) == centre:
            counts["unchanged"] += 1
            continue
        if page is None:
            page = CentrePage()
            apply_centre(page, centre)
            index.add_child(instance=page)
            counts["created"] += 1
        else:
            apply_centre(page, centre)
            counts["updated"] += 1
        page.save_revision().publish()
    return counts
