"""`import_guides`, `export_guides` and `import_centres`: the catalogue format in and out of the CMS page tree.

Import is all-or-nothing: every file is validated (against the centres in the database too) before
anything is written, and the writes run in one transaction.
"""

from collections.abc import Iterable
from pathlib import Path

from django.db import transaction
from django.dispatch import Signal

from cms.centres.convert import apply_centre, centre_from_page
from cms.centres.models import CentreIndexPage, CentrePage
from cms.home.site import ensure_site_tree
from cms.services.models import Department, GuideIndexPage, ServiceGuidePage
from cms.services.standard import apply_guide, english_names, guide_from_page
from guides.centres import load_centres
from guides.enums import WindowCategory
from guides.files import check_files, dump_guide, guide_paths
from guides.schema import Guide
from guides.validate import InvalidGuide

# Sent inside the import's transaction with `guides`, the standard's `Guide`s that were new to the CMS: the
# search app seeds synonyms from their own keywords and FAQ, once (an editor's removal stays removed).
guides_created = Signal()


def import_guides(paths: Iterable[Path]) -> dict[str, int]:
    """Create or update guides by code from files or directories; raises InvalidGuide, writing nothing."""
    files = guide_paths(paths)
    centres = {c.code: c for c in CentrePage.objects.prefetch_related("windows")}
    windows = {code: {WindowCategory(w.category) for w in c.windows.all()} for code, c in centres.items()}
    guides, problems = check_files(files, windows)
    if problems:
        raise InvalidGuide(problems)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    created = set()
    with transaction.atomic():
        ensure_site_tree()
        indexes = {i.category: i for i in GuideIndexPage.objects.all()}
        departments = _departments(guides)
        for guide in guides:
            page = ServiceGuidePage.objects.filter(code=guide.code).first()
            index = indexes[guide.category.value]
            if page is None:
                page = ServiceGuidePage(slug=guide.code.lower())
                apply_guide(page, guide, departments, centres)
                index.add_child(instance=page)
                counts["created"] += 1
                created.add(guide.code)
            elif guide_from_page(page) == _with_department_english(guide, departments):
                counts["unchanged"] += 1
                continue
            else:
                apply_guide(page, guide, departments, centres)
                if page.get_parent().pk != index.pk:
                    page.move(index, pos="last-child")
                    page.refresh_from_db(fields=["path", "url_path"])
                counts["updated"] += 1
            page.save_revision().publish()
        guides_created.send(sender=Guide, guides=[g for g in guides if g.code in created])
    return counts


def _departments(guides: list[Guide]) -> dict[str, Department]:
    """The departments the guides name, created if new; an English name given in a file is stored
    on its department (a file without one leaves the department's as it is)."""
    english = {g.department: g.department_en for g in guides if g.department_en}
    english |= {n: e for g in guides for n, e in zip(g.co_departments, g.co_departments_en, strict=False) if e}
    names = {g.department for g in guides} | {n for g in guides for n in g.co_departments}
    departments = {}
    for name in sorted(names):
        department = Department.objects.get_or_create(name=name)[0]
        if english.get(name, department.name_en) != department.name_en:
            department.name_en = english[name]
            department.save(update_fields=["name_en"])
        departments[name] = department
    return departments


def _with_department_english(guide: Guide, departments: dict[str, Department]) -> Guide:
    """The guide as its page will read: departments' English names come from the departments."""
    return guide.model_copy(
        update={
            "department_en": departments[guide.department].name_en,
            "co_departments_en": english_names(departments[n] for n in guide.co_departments),
        }
    )


def export_guides(directory: Path) -> int:
    """Write every guide as `<code>.yaml` in `directory`, in the catalogue's canonical form."""
    directory.mkdir(parents=True, exist_ok=True)
    pages = ServiceGuidePage.objects.select_related("department").order_by("code")
    for page in pages:
        (directory / f"{page.code}.yaml").write_text(dump_guide(guide_from_page(page)), encoding="utf-8")
    return len(pages)


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
