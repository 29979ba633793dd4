"""The site set-up: page tree, admin account, and the public pages render."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cms.centres.models import CentrePage
from cms.services.models import GuideIndexPage, ServiceGuidePage
from guides import clock
from guides.enums import WindowCategory
from tests.support.clock import INSTANTS
from tests.support.html import no_inline_script

pytestmark = pytest.mark.django_db


def test_tree_has_the_seven_categories_and_the_centres():
    assert set(GuideIndexPage.objects.values_list("category", flat=True)) == set(WindowCategory)
    assert CentrePage.objects.live().count() == 7
    assert CentrePage.objects.get(code="shantang").kind == "village"


def test_load_demo_again_creates_nothing():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "centres: 0 created, 0 updated, 7 unchanged" in out.getvalue()
    assert "guides: 0 created, 0 updated" in out.getvalue()


def test_ensure_admin_uses_admin_password_once(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "s3cret-Pinghu-2026")
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("s3cret-Pinghu-2026")
    assert "s3cret" not in out.getvalue()
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    assert out.getvalue() == ""
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


def test_ensure_admin_generates_and_prints_a_password(monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    password = out.getvalue().split("password ")[1].split(" ")[0]
    assert get_user_model().objects.get(username="admin").check_password(password)


@pytest.mark.parametrize("path", ["/", "/police/", "/police/330482-ga-001/", "/centres/", "/centres/city/"])
def test_public_pages_render(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in response.content.decode()


def test_guide_page_shows_badges_and_materials(client):
    html = client.get("/police/330482-ga-001/").content.decode()
    assert "最多跑一次" in html and "免提交" in html and "居民户口簿" in html


# --- the public website, in both languages ---------------------------------------------------------

PAGES = ["/", "/police/", "/police/330482-ga-001/", "/centres/", "/centres/city/", "/dashboard/"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(
    ("prefix", "lang", "words"),
    [
        ("", "zh-Hans", ["办事指南", "服务中心", "跳到正文"]),
        ("/en", "en", ["Service guides", "Service centres", "Skip to main content"]),
    ],
)
def test_every_page_renders_in_both_languages(client, path, prefix, lang, words):
    response = client.get(prefix + path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    for word in words:
        assert word in html
    other = "/en" + path if not prefix else path
    assert f'href="{other}"' in html  # the language switch leads to the same page in the other language
    assert no_inline_script(html)


def test_english_site_shows_english_content(client):
    html = client.get("/en/police/330482-ga-001/").content.decode()
    assert "<h1>Application, Renewal and Replacement of the Resident Identity Card</h1>" in html
    assert "Household register" in html  # material names in English
    assert "Chinese citizens aged 16 or over" in html  # conditions too
    assert 'href="/en/police/"' in html  # links stay on the English site


def test_guide_page_shows_the_standard_from_structured_data(client):
    html = client.get("/police/330482-ga-001/").content.decode()
    assert "最多跑一次" in html and "免提交" in html and "居民户口簿" in html
    assert "法定办结时限" in html and "60 个工作日" in html and "15 个工作日" in html
    assert "比法定时限缩短75%" in html
    assert "20 元/证" in html and "40 元/证" in html  # fee items with amounts
    assert html.count("<li><strong>") >= 4  # the steps
    assert "在线申请" in html and 'href="/apply/330482-GA-001/"' in html
    assert "预约办理" in html and 'href="/booking/?guide=330482-GA-001"' in html
    assert '<svg role="img"' in html  # the QR code
    assert "平湖市行政服务中心" in html and ("今日不办公" in html or "08:30" in html)  # centres with today's hours


def test_guide_without_appointments_or_online_application_has_no_such_buttons(client):
    page = ServiceGuidePage.objects.get(code="330482-GA-001")
    page.channels_appointment = page.channels_online = False
    page.channels_online_depth = "info"
    page.save_revision().publish()
    html = client.get("/police/330482-ga-001/").content.decode()
    main = html.split('<main id="main"', 1)[1]  # the header's 我的办件 leads to /apply/status/ on every page
    assert "/booking/?guide=" not in main and "/apply/" not in main


def test_deferrable_materials_get_the_badge(client):
    guides = ServiceGuidePage.objects.live().filter(materials__necessity="deferrable").distinct()
    page = guides.first()
    assert page is not None
    html = client.get(page.url).content.decode()
    assert 'class="badge badge-defer"' in html and "容缺" in html


def test_statutory_limit_zero_shows_no_percentage(client):
    page = ServiceGuidePage.objects.get(code="330482-SH-001")
    assert page.statutory_days == 0 and page.time_cut_percent is None
    assert "缩短" not in client.get(page.url).content.decode()


def test_centre_page_shows_this_week_with_the_rule_kinds_marked(client, time_machine):
    # An ordinary week, not one the Spring Festival or Golden Week takes whole.
    time_machine.move_to(dt.datetime(2026, 12, 8, 10, tzinfo=clock.TZ), tick=False)
    html = client.get("/centres/city/").content.decode()
    assert "本周办公时间" in html and '<table class="week">' in html
    assert html.count('<th scope="col"') >= 8  # the window column and seven days
    assert 'class="period period-staggered"' in html and "12:00–13:30" in html
    assert 'class="period period-extended"' in html and "17:00–19:00" in html
    assert "周日轮值" in html and "错时" in html


def test_week_of_a_rota_sunday_marks_the_sunday_hours():
    from cms.centres import opening

    week = opening.week(CentrePage.objects.get(code="city"), dt.date(2026, 3, 1))  # a rota Sunday of the city centre
    sunday = {category: cells[6][0] for category, cells in week["rows"]}
    assert [p.kind for p in sunday["商事登记"]] == ["sunday_rota"]
    assert sunday["投资项目"] == ()
    week = opening.week(CentrePage.objects.get(code="city"), dt.date(2026, 3, 8))  # danghu's turn
    assert all(cells[6][0] == () for _, cells in week["rows"])


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hans", "2026年10月1日 星期四"), ("en", "Thursday 1 October 2026")]
)
def test_dates_are_formatted_by_babel(language, expected):
    from django.utils import translation

    from cms.core import i18n

    with translation.override(language):
        assert i18n.long_date(dt.date(2026, 10, 1)) == expected
        assert i18n.weekday_name(7) == ("星期日" if language == "zh-hans" else "Sunday")


def test_home_page_has_search_and_the_seven_categories_with_counts(client):
    html = client.get("/").content.decode()
    assert 'action="/search/"' in html and 'name="q"' in html and '<label for="q">' in html
    for category in WindowCategory:
        index = GuideIndexPage.objects.get(category=category)
        count = ServiceGuidePage.objects.child_of(index).live().count()
        assert f'href="/{category.slug}/"' in html and f"{count} 项" in html


def test_category_listing_filters_by_who_it_is_for(client):
    all_items = client.get("/business/").context["guides"]
    companies = client.get("/business/?for=company").context["guides"]
    assert set(companies) <= set(all_items)
    assert all(g.service_object in ("company", "both") for g in companies)
    assert client.get("/business/?for=aliens").context["audience"] == ""


def test_week_shows_the_city_calendar_and_closures(client):
    from cms.centres import opening
    from cms.hours.models import CalendarDay, Closure

    CalendarDay.objects.update_or_create(date=dt.date(2026, 10, 1), defaults={"kind": "holiday", "name": "国庆节"})
    CalendarDay.objects.update_or_create(
        date=dt.date(2026, 10, 10), defaults={"kind": "makeup_workday", "name": "国庆节调休", "works_as": 5}
    )
    city = CentrePage.objects.get(code="city")
    Closure.objects.create(
        centre=city,
        categories=["公安服务"],
        start_date=dt.date(2026, 9, 29),
        end_date=dt.date(2026, 9, 29),
        reason="系统升级",
    )
    week = opening.week(city, dt.date(2026, 10, 1))
    thursday = week["days"][3]
    assert thursday.date == dt.date(2026, 10, 1) and thursday.holiday == "国庆节"
    assert all(cells[3] == ((), None, None) for _, cells in week["rows"])
    police = dict(week["rows"])["公安服务"]
    assert police[1] == ((), "系统升级", "")  # Tuesday 29 September, police windows only; no English given
    assert dict(week["rows"])["投资项目"][1][0]  # the rest of the centre is open
    saturday = opening.week(city, dt.date(2026, 10, 10))["days"][5]
    assert saturday.makeup_workday == 5 and saturday.categories["投资项目"]


def test_centre_page_at_23_30_says_closed_for_the_day_and_the_next_opening(client, time_machine):
    time_machine.move_to(INSTANTS["friday-23:30"], tick=False)
    html = client.get("/centres/city/").content.decode()
    assert "已下班" in html and "正在办公" not in html
    assert "12月6日" in html  # the next opening is the rota Sunday
    guide = client.get("/police/330482-ga-001/").content.decode()
    assert "已下班" in guide  # "today's hours" over hours that have all ended


def test_centre_list_says_open_now_until_when(client, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 8, 10, tzinfo=clock.TZ), tick=False)  # a Tuesday morning
    response = client.get("/centres/")
    statuses = dict((c.code, s) for c, s in response.context["centres"])
    assert statuses["city"].open_now and statuses["city"].closes_at.date() == dt.date(2026, 12, 8)
    assert "正在办公" in response.content.decode()


def test_next_weeks_hours_are_one_link_away(client, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 8, 10, tzinfo=clock.TZ), tick=False)
    html = client.get("/centres/city/").content.decode()
    assert 'href="?week=next"' in html
    response = client.get("/centres/city/?week=next")
    assert response.context["week"]["days"][0].date == dt.date(2026, 12, 14)
    assert "下周办公时间" in response.content.decode()


def test_week_has_a_day_by_day_list_for_phones(client, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 8, 10, tzinfo=clock.TZ), tick=False)
    html = client.get("/centres/city/").content.decode()
    days = html.split('<ol class="week-days">')[1].split("</ol>")[0]
    assert days.count("<strong>") == 7 and 'aria-current="date"' in days


def test_legend_shows_only_the_kinds_the_centre_has(client):
    city = CentrePage.objects.get(code="city")
    kinds = {r.kind for r in city.hours.all()}
    for centre in CentrePage.objects.live():
        html = client.get(centre.url).content.decode()
        has = {r.kind for r in centre.hours.all()} - {"regular"}
        legend = html.split('<p class="legend">')[1].split("</p>")[0] if '<p class="legend">' in html else ""
        for kind in ("staggered", "extended", "sunday_rota"):
            assert (f"period-{kind}" in legend) == (kind in has), (centre.code, kind)
    assert {"staggered", "extended", "sunday_rota"} <= kinds  # the city centre shows all three


def test_map_link_opens_amap_with_gcj02_coordinates(client):
    from urllib.parse import parse_qs

    from guides import geo

    city = CentrePage.objects.get(code="city")
    html = client.get("/centres/city/").content.decode()
    assert "geo:" not in html
    href = html.split('href="https://uri.amap.com/marker?')[1].split('"')[0].replace("&amp;", "&")
    lng, lat = (float(v) for v in parse_qs(href)["position"][0].split(","))
    g_lat, g_lng = geo.wgs84_to_gcj02(city.latitude, city.longitude)
    assert (lat, lng) == (pytest.approx(g_lat, abs=1e-6), pytest.approx(g_lng, abs=1e-6))
    assert geo.haversine_km(lat, lng, city.latitude, city.longitude) > 0.2  # converted, not the raw WGS-84
