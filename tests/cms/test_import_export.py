"""`import_guides` / `export_guides`: idempotent, all-or-nothing, and a byte-identical round trip."""

import io
import shutil

import pytest
import yaml
from django.core.management import CommandError, call_command
from wagtail.models import Revision

from cms.services.models import Department, ServiceGuidePage
from guides.files import CATALOGUE_DIR, guide_paths

pytestmark = pytest.mark.django_db
CATALOGUE = guide_paths([CATALOGUE_DIR])


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_guide(path, **changes):
    """Copy the ID-card guide to `path` with some fields changed."""
    data = yaml.safe_load((CATALOGUE_DIR / "330482-GA-001.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_catalogue_is_loaded_once_per_code():
    assert ServiceGuidePage.objects.live().count() == len(CATALOGUE)
    codes = set(ServiceGuidePage.objects.values_list("code", flat=True))
    assert codes == {p.stem for p in CATALOGUE}


def test_second_import_changes_nothing():
    revisions = Revision.objects.count()
    out, _ = run("import_guides", str(CATALOGUE_DIR))
    assert f"0 created, 0 updated, {len(CATALOGUE)} unchanged" in out
    assert Revision.objects.count() == revisions


def test_changed_file_updates_its_guide_with_a_new_revision(tmp_path):
    path = write_guide(tmp_path / "g.yaml", committed_days=20, summary="有效期满换领的，可提前三个月申请。")
    out, _ = run("import_guides", str(path))
    assert "0 created, 1 updated, 0 unchanged" in out
    page = ServiceGuidePage.objects.get(code="330482-GA-001")
    assert page.committed_days == 20 and page.summary == "有效期满换领的，可提前三个月申请。"
    assert page.live and not page.has_unpublished_changes


def test_category_change_moves_the_page_under_its_new_index(tmp_path):
    path = write_guide(tmp_path / "g.yaml", category="社会事务", centres=["city", "danghu"])
    run("import_guides", str(path))
    page = ServiceGuidePage.objects.get(code="330482-GA-001")
    assert page.get_parent().specific.category == "社会事务"
    assert page.url_path.startswith("/home/social/")


def test_one_invalid_file_means_nothing_is_written_and_every_error_is_printed(tmp_path):
    write_guide(tmp_path / "a.yaml", code="330482-GA-900", name="新事项甲")
    write_guide(tmp_path / "b.yaml", code="330482-GA-901", committed_days=90)
    write_guide(tmp_path / "c.yaml", code="330482-GA-902", category="户籍窗口", centres=["nowhere"])
    before = ServiceGuidePage.objects.count()
    with pytest.raises(CommandError, match="nothing was imported") as exc:
        out, err = io.StringIO(), io.StringIO()
        call_command("import_guides", str(tmp_path), stdout=out, stderr=err)
    printed = err.getvalue()
    assert "b.yaml: 330482-GA-901: committed_days: 承诺时限（90个工作日）不得超过法定时限" in printed
    assert "c.yaml: 330482-GA-902: category:" in printed
    assert "330482-GA-900" not in printed
    assert "3 个问题" in str(exc.value) or "problems" in str(exc.value)
    assert ServiceGuidePage.objects.count() == before
    assert not ServiceGuidePage.objects.filter(code__in=["330482-GA-900", "330482-GA-901"]).exists()


def test_unknown_centre_and_missing_window_are_rejected(tmp_path):
    path = write_guide(tmp_path / "g.yaml", centres=["city", "shantang", "atlantis"])
    with pytest.raises(CommandError):
        err = io.StringIO()
        call_command("import_guides", str(path), stdout=io.StringIO(), stderr=err)
    assert "centres[1]" in err.getvalue() and "没有公安服务窗口" in err.getvalue()
    assert "centres[2]" in err.getvalue() and "unknown centre 'atlantis'" in err.getvalue()


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run("import_guides", str(tmp_path / "nope.yaml"))


def test_new_guide_is_created_and_published(tmp_path):
    path = write_guide(tmp_path / "n.yaml", code="330482-GA-950", name="临时测试事项")
    out, _ = run("import_guides", str(path))
    assert "1 created" in out
    page = ServiceGuidePage.objects.get(code="330482-GA-950")
    assert page.live and page.title == "临时测试事项" and page.slug == "330482-ga-950"
    assert page.get_latest_revision() is not None


def test_export_round_trip_is_byte_identical(tmp_path):
    out, _ = run("export_guides", str(tmp_path))
    assert f"exported {len(CATALOGUE)} guides" in out
    for original in CATALOGUE:
        exported = tmp_path / original.name
        assert exported.read_bytes() == original.read_bytes(), original.name


def test_export_then_import_into_the_same_site_changes_nothing(tmp_path):
    run("export_guides", str(tmp_path))
    out, _ = run("import_guides", str(tmp_path))
    assert f"0 created, 0 updated, {len(CATALOGUE)} unchanged" in out


def test_edited_guide_exports_its_edit(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(CATALOGUE_DIR / "330482-GA-001.yaml", source)
    page = ServiceGuidePage.objects.get(code="330482-GA-001")
    page.committed_days = 20
    page.save_revision().publish()
    run("export_guides", str(tmp_path / "out"))
    exported = yaml.safe_load((tmp_path / "out" / "330482-GA-001.yaml").read_text(encoding="utf-8"))
    assert exported["committed_days"] == 20


def test_a_file_gives_its_department_an_english_name(tmp_path):
    police = Department.objects.get(name="平湖市公安局")
    assert police.name_en == "Pinghu Public Security Bureau"  # from the catalogue
    path = write_guide(tmp_path / "g.yaml", department_en="Pinghu Municipal Public Security Bureau")
    out, _ = run("import_guides", str(path))
    assert "0 created, 0 updated, 1 unchanged" in out  # the page itself did not change
    police.refresh_from_db()
    assert police.name_en == "Pinghu Municipal Public Security Bureau"


def test_a_file_without_a_department_english_name_keeps_the_known_one(tmp_path):
    data = yaml.safe_load((CATALOGUE_DIR / "330482-GA-001.yaml").read_text(encoding="utf-8"))
    del data["department_en"]
    path = tmp_path / "g.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out, _ = run("import_guides", str(path))
    assert "0 created, 0 updated, 1 unchanged" in out
    assert Department.objects.get(name="平湖市公安局").name_en == "Pinghu Public Security Bureau"


def test_two_english_names_for_one_department_are_refused(tmp_path):
    write_guide(tmp_path / "a.yaml", code="330482-GA-960", department_en="Pinghu Police")
    write_guide(tmp_path / "b.yaml", code="330482-GA-961", department_en="Pinghu Public Security")
    with pytest.raises(CommandError, match="nothing was imported"):
        err = io.StringIO()
        call_command("import_guides", str(tmp_path), stdout=io.StringIO(), stderr=err)
    assert "b.yaml: 330482-GA-961: department_en: 部门“平湖市公安局”的英文名称与" in err.getvalue()
    assert "has another English name" in err.getvalue()
    assert Department.objects.get(name="平湖市公安局").name_en == "Pinghu Public Security Bureau"


def test_english_texts_survive_the_round_trip(tmp_path):
    page = ServiceGuidePage.objects.get(code="330482-GA-001")
    assert page.materials.all()[1].notes_en.startswith("Hand in your old card")
    assert [b.value for b in page.conditions_en][2].startswith("Applicants must come in person")
    run("export_guides", str(tmp_path))
    exported = yaml.safe_load((tmp_path / "330482-GA-001.yaml").read_text(encoding="utf-8"))
    assert exported["fees"]["items"][0]["unit_en"] == "card"
    assert exported["department_en"] == "Pinghu Public Security Bureau"


def test_a_new_guide_seeds_synonyms_from_its_faq_once(tmp_path):
    from cms.search.models import Synonym

    assert Synonym.objects.filter(term="驾照", official="机动车驾驶证换证").exists()  # the catalogue's first import
    Synonym.objects.filter(term="驾照", official="机动车驾驶证换证").delete()  # an editor removes it
    run("import_guides", str(CATALOGUE_DIR))
    assert not Synonym.objects.filter(term="驾照", official="机动车驾驶证换证").exists()  # not re-seeded
