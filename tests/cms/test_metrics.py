"""The reform dashboard on the real catalogue, checked against a count made by hand from the YAML files.

Hand count (grep and awk over guides/catalogue/*.yaml, 44 files, all status active):
- channels.visits: 20 × 0, 23 × 1, 1 × 2                      → one_visit 43 / 44
- `immediate: true` in 18 files                               → immediate 18 / 44
- channels.online true in 43                                   → online 43 / 44
- two or more centres in 40 (4 files list one)                 → multi_centre 40 / 44
- channels.express true in 24                                  → express 24 / 44
- statutory_days 0 in one file (330482-SH-001); the mean of (statutory − committed) / statutory
  over the other 43 is 0.807937…                              → time_cut 80.8%, 1 excluded
- 投资项目: statutory 1+20+20+7+60+15 = 123, committed 0+5+5+2+10+5 = 27
                                                               → investment_cut 1 − 27/123 = 78.0%
- 公安服务: 9 items, 4 immediate; 平湖市公安局: 9 items, 4 immediate; 社会事务: 6 items, 1 immediate
- every file has English for every text (`python -m guides check`: 44 fully translated) → translated 44 / 44
"""

import csv
import io
from fractions import Fraction

import pytest
from django.contrib.auth import get_user_model

from cms.services.dashboard import current_report
from cms.services.models import ServiceGuidePage
from tests.support.html import no_inline_script

pytestmark = pytest.mark.django_db

HAND_COUNT = {
    "one_visit": (43, 44, 97.7, True),
    "immediate": (18, 44, 40.9, False),
    "online": (43, 44, 97.7, False),
    "multi_centre": (40, 44, 90.9, True),
    "express": (24, 44, 54.5, None),
    "translated": (44, 44, 100.0, None),
}


@pytest.mark.parametrize(("key", "expected"), HAND_COUNT.items())
def test_share_metrics_match_the_hand_count(key, expected):
    figure = current_report().total.figure(key)
    assert (figure.meeting, figure.measured, figure.percent, figure.met) == expected


def test_time_cuts_match_the_hand_count():
    total = current_report().total
    cut = total.figure("time_cut")
    assert (cut.measured, cut.excluded, cut.percent, cut.met) == (43, 1, 80.8, True)
    invest = total.figure("investment_cut")
    assert invest.value == 1 - Fraction(27, 123) and invest.percent == 78.0 and invest.met is True


def test_groups_match_the_hand_count():
    report = current_report()
    police = next(c for c in report.categories if c.name == "公安服务")
    assert (police.guides, police.figure("immediate").meeting) == (9, 4)
    social = next(c for c in report.categories if c.name == "社会事务")
    assert (social.guides, social.figure("immediate").meeting) == (6, 1)
    bureau = next(c for c in report.departments if c.name == "平湖市公安局")
    assert (bureau.guides, bureau.figure("immediate").meeting) == (9, 4)
    assert report.total.guides == 44 == sum(c.guides for c in report.categories)


def test_only_published_guides_in_force_count():
    ServiceGuidePage.objects.get(code="330482-GA-001").unpublish()
    suspended = ServiceGuidePage.objects.get(code="330482-GA-002")
    suspended.status = "suspended"
    suspended.save_revision().publish()
    assert current_report().total.guides == 42


def test_the_report_is_built_once_until_the_published_catalogue_changes(django_assert_num_queries):
    built = current_report()
    with django_assert_num_queries(2):  # the departments' English names and one aggregate: no guide is read
        assert current_report().total == built.total
    page = ServiceGuidePage.objects.get(code="330482-GA-002")
    page.status = "suspended"
    page.save_revision().publish()  # a published edit: the item leaves the measured set
    assert current_report().total.guides == built.total.guides - 1
    ServiceGuidePage.objects.get(code="330482-GA-001").unpublish()
    assert current_report().total.guides == built.total.guides - 2


def test_api_returns_the_same_figures(client):
    body = client.get("/api/v1/metrics").json()
    figures = {m["key"]: m for m in body["total"]["metrics"]}
    assert body["total"]["guides"] == 44
    assert figures["one_visit"] == {
        "key": "one_visit",
        "name": "最多跑一次事项占比",
        "name_en": "Items needing at most one visit",
        "kind": "share",
        "value": round(43 / 44, 4),
        "percent": 97.7,
        "measured": 44,
        "meeting": 43,
        "excluded": 0,
        "target": 0.8,
        "met": True,
    }
    assert figures["time_cut"]["excluded"] == 1 and figures["express"]["target"] is None
    assert body["categories"]["count"] == 7 == len(body["categories"]["items"])
    assert {d["name"] for d in body["departments"]["items"]} >= {"平湖市公安局", "平湖市民政局"}


def test_csv_export_has_one_row_per_group_and_metric(client):
    response = client.get("/dashboard/metrics.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheet programs then read the Chinese as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    report = current_report()
    assert len(rows) == 8 * (1 + len(report.categories) + len(report.departments))  # 8 metrics
    total = {r["metric"]: r for r in rows if r["scope"] == "all"}
    assert total["immediate"]["value_percent"] == "40.9" and total["immediate"]["met"] == "no"
    assert total["immediate"]["meeting"] == "18" and total["immediate"]["target_percent"] == "60.0"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/dashboard/", ["改革成效", "即办件占比", "未达标"]),
        ("/en/dashboard/", ["Reform dashboard", "Items done on the spot", "not met"]),
    ],
)
def test_public_dashboard_renders_a_chart_and_tables_without_javascript(client, path, words):
    html = client.get(path).content.decode()
    assert "<svg" in html and 'role="img"' in html and no_inline_script(html)
    for word in words:
        assert word in html
    assert html.count('class="scorecard') == 3  # all items, per category, per department


def test_admin_dashboard_is_in_the_admin_and_needs_a_login(client):
    response = client.get("/admin/reform-dashboard/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-Pinghu-2026"))
    html = client.get("/admin/reform-dashboard/").content.decode()
    assert "改革成效" in html and "<svg" in html and "/dashboard/metrics.csv" in html
    assert "/admin/reform-dashboard/" in client.get("/admin/").content.decode()  # the menu item
