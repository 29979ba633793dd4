"""English that is English: the English pages of every catalogue guide, the centres, search and the
dashboard show no Chinese outside a small allow-list, Chinese pages show no English content, and the
API carries the English of every text.

The allow-list (docs/languages.md), checked by `chinese_outside_allow_list`:
- elements of class `original-name`: a guide's or centre's official Chinese name, and a centre's
  Chinese address, shown deliberately beside the English so a visitor can show them at a window or
  to a taxi driver;
- the language switch, `<a hreflang="zh-Hans">中文</a>`, which names the other language in itself;
- the logo, the character 一 ("one", as in one trip) in `.brand-mark`, hidden from screen readers.
"""

import datetime as dt
from html.parser import HTMLParser

import pytest
import time_machine
from django.utils import translation

from cms.centres.models import CentrePage
from cms.hours.models import Closure
from cms.services.models import Department, ServiceGuidePage
from guides.clock import TZ
from guides.files import CATALOGUE_DIR, guide_paths, load_guide_file
from guides.validate import CHINESE

pytestmark = pytest.mark.django_db

CODES = [p.stem for p in guide_paths([CATALOGUE_DIR])]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
READ_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder", "content", "value"}  # what a visitor reads or hears


class _Reader(HTMLParser):
    """The text and the readable attributes of a page, outside the allow-listed elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.skip_at: int | None = None  # depth of the allow-listed element being skipped
        self.read: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        allowed = (
            "original-name" in classes
            or ("brand-mark" in classes and attributes.get("aria-hidden") == "true")
            or (tag == "a" and attributes.get("hreflang") == "zh-Hans")
        )
        if self.skip_at is None and not allowed:
            self.read += [value or "" for name, value in attrs if name in READ_ATTRIBUTES]
        if tag in VOID:
            return
        self.open.append(tag)
        if allowed and self.skip_at is None:
            self.skip_at = len(self.open)

    def handle_startendtag(self, tag, attrs):
        if self.skip_at is None:
            self.read += [value or "" for name, value in attrs if name in READ_ATTRIBUTES]

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.open:
            return
        while self.open:
            closed = self.open.pop()
            if self.skip_at is not None and len(self.open) < self.skip_at:
                self.skip_at = None
            if closed == tag:
                break

    def handle_data(self, data):
        if self.skip_at is None:
            self.read.append(data)


def chinese_outside_allow_list(html: str) -> list[str]:
    """Every piece of text (or readable attribute) with Chinese in it that the allow-list does not cover."""
    reader = _Reader()
    reader.feed(html)
    return [text.strip() for text in reader.read if CHINESE.search(text)]


def english(client, path: str) -> str:
    """The page at `path` (its Chinese address) on the English site."""
    response = client.get("/en" + path)
    assert response.status_code == 200, path
    html = response.content.decode()
    assert '<html lang="en">' in html
    return html


def chinese_url(page) -> str:
    """A page's address on the Chinese site (`page.url` follows the active language, which a previous
    English request in this thread may have left switched on)."""
    with translation.override("zh-hans"):
        return page.url


# ---- the checker itself


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ("<p>Hello <b>world</b></p>", []),
        ("<p>Hello 世界</p>", ["Hello 世界"]),
        ('<p class="subtitle">Name: <span class="original-name" lang="zh-Hans">居民身份证</span> ok</p>', []),
        ('<span class="original-name">名<b>称</b>仍然</span><i>外面</i>', ["外面"]),  # nesting ends where it should
        ('<a href="/x/" hreflang="zh-Hans" lang="zh-Hans">中文</a>', []),
        ('<a href="/x/">中文</a>', ["中文"]),
        ('<span class="brand-mark" aria-hidden="true">一</span>', []),
        ('<span class="brand-mark">一</span>', ["一"]),
        ('<abbr title="错时">midday</abbr>', ["错时"]),
        ('<img alt="二维码"><p>fine</p>', ["二维码"]),
        ("<p>¥20 per card – “quoted”</p>", []),
    ],
)
def test_the_checker_finds_chinese_outside_the_allow_list(html, found):
    assert chinese_outside_allow_list(html) == found


# ---- English pages


@pytest.mark.parametrize("code", CODES)
def test_english_guide_page_shows_no_chinese_outside_the_allow_list(client, code):
    page = ServiceGuidePage.objects.get(code=code)
    html = english(client, chinese_url(page))
    assert chinese_outside_allow_list(html) == []
    assert f'<span class="original-name" lang="zh-Hans">{page.title}</span>' in html  # the name to show at a window


def test_english_guide_page_shows_every_kind_of_english_text(client):
    guide = load_guide_file(CATALOGUE_DIR / "330482-GA-001.yaml")
    html = english(client, "/police/330482-ga-001/")
    for text in [
        guide.department_en,
        guide.conditions_en[0],
        guide.prohibitions_en[0],
        guide.legal_basis_en[0],
        guide.materials[1].notes_en,
        guide.steps[2].actor_en,
        guide.steps[0].action_en,
        guide.fees.items[0].name_en,
        guide.fees.items[0].basis_en,
        guide.result.validity_en,
        guide.faq[0].question_en,
        guide.faq[0].answer_en,
    ]:
        assert text.replace("'", "&#x27;") in html, text
    assert "¥20 per card" in html and "¥40 per card" in html


def test_on_a_holiday_the_guide_page_names_it_in_english(client):
    with time_machine.travel(dt.datetime(2026, 10, 1, 10, 0, tzinfo=TZ), tick=False):
        html = english(client, "/police/330482-ga-001/")
        chinese = client.get("/police/330482-ga-001/").content.decode()
    assert "closed today (National Day)" in html
    assert chinese_outside_allow_list(html) == []
    assert "国庆节" in chinese


def test_a_closure_reason_is_shown_in_english(client):
    city = CentrePage.objects.get(code="city")
    day = dt.date(2026, 10, 8)  # a Thursday just after the National Day holiday, an ordinary working day
    Closure.objects.create(
        centre=city,
        categories=["公安服务"],
        start_date=day,
        end_date=day,
        reason="系统升级",
        reason_en="System upgrade",
    )
    with time_machine.travel(dt.datetime(2026, 10, 8, 10, 0, tzinfo=TZ), tick=False):
        html = english(client, "/police/330482-ga-001/")
    assert "closed today (System upgrade)" in html
    assert chinese_outside_allow_list(html) == []


@pytest.mark.parametrize("code", ["city", "danghu", "zhongdai", "zhapu", "xindai", "dushangang", "shantang"])
def test_english_centre_pages_show_no_chinese_and_never_say_lunch(client, code):
    html = english(client, f"/centres/{code}/")
    assert chinese_outside_allow_list(html) == []
    assert "lunch" not in html.lower()  # "lunch" reads as "closed for lunch"; staggered windows are open then


def test_the_city_centre_explains_its_hours_in_english(client):
    html = english(client, "/centres/city/")
    assert "Open through midday, with the staggered-hours windows taking turns" in html
    assert "Sunday mornings every other week, alternating with the Danghu Subdistrict Service Centre" in html
    assert "open through midday" in html and ">midday</abbr>" in html
    assert '<span class="original-name" lang="zh-Hans">平湖市当湖街道新华中路318号</span>' in html  # for a taxi


@pytest.mark.parametrize("path", ["/", "/police/", "/business/", "/centres/", "/dashboard/"])
def test_other_english_pages_show_no_chinese(client, path):
    assert chinese_outside_allow_list(english(client, path)) == []


def test_english_search_results_show_the_english_summary(client):
    html = english(client, "/search/?q=passport")
    guide = load_guide_file(CATALOGUE_DIR / "330482-GA-003.yaml")
    assert guide.summary_en.replace("'", "&#x27;") in html
    assert chinese_outside_allow_list(html) == []


# ---- Chinese pages speak Chinese


def test_chinese_guide_page_shows_no_english_content(client):
    guide = load_guide_file(CATALOGUE_DIR / "330482-GA-001.yaml")
    html = client.get("/police/330482-ga-001/").content.decode()
    assert guide.name in html and guide.materials[1].notes in html
    for text in [guide.name_en, guide.materials[0].name_en, guide.materials[1].notes_en, guide.department_en]:
        assert text.replace("'", "&#x27;") not in html, text
    assert " / " not in html.split("<main", 1)[1]  # no "中文 / English" pairs


def test_chinese_home_page_lists_the_categories_in_chinese_only(client):
    html = client.get("/").content.decode()
    assert "公安服务" in html and "Public security services" not in html


# ---- the share of guides in English, and what an untranslated text does


def test_the_dashboard_shows_the_share_of_guides_in_english(client):
    html = english(client, "/dashboard/")
    assert "Items fully translated into English" in html
    figures = {m["key"]: m for m in client.get("/api/v1/metrics").json()["total"]["metrics"]}
    assert (figures["translated"]["meeting"], figures["translated"]["measured"]) == (44, 44)
    assert "英文译文完整的事项占比" in client.get("/dashboard/").content.decode()


def test_a_guide_losing_an_english_text_falls_out_of_the_share_and_shows_its_chinese_marked(client):
    page = ServiceGuidePage.objects.get(code="330482-GA-002")
    revision = page.get_latest_revision_as_object()
    steps = list(revision.steps.all())
    step = steps[0]
    step.action_en = ""
    revision.steps = steps
    revision.save_revision().publish()
    figures = {m["key"]: m for m in client.get("/api/v1/metrics").json()["total"]["metrics"]}
    assert (figures["translated"]["meeting"], figures["translated"]["measured"]) == (43, 44)
    html = english(client, chinese_url(page))
    # the Chinese stands in, marked so that a screen reader switches voice (WCAG 3.1.2)
    assert chinese_outside_allow_list(html) == [step.action]
    assert f'<span lang="zh-Hans">{step.action}</span>' in html


# ---- the API carries the English


def test_guide_api_has_the_english_of_every_text(client):
    body = client.get("/api/v1/guides/330482-GA-001").json()
    guide = load_guide_file(CATALOGUE_DIR / "330482-GA-001.yaml")
    assert body["department_en"] == "Pinghu Public Security Bureau"
    assert body["conditions_en"] == guide.conditions_en and body["legal_basis_en"] == guide.legal_basis_en
    assert body["materials"][0]["notes_en"] == guide.materials[0].notes_en
    assert body["steps"][1]["actor_en"] == "Household registration officer"
    assert body["fees"]["items"][0]["unit_en"] == "card"
    assert body["result"]["validity_en"] == guide.result.validity_en
    assert body["faq"][1]["answer_en"] == guide.faq[1].answer_en
    listed = client.get("/api/v1/guides", {"category": "police", "limit": 1}).json()["items"][0]
    assert {"summary_en", "department_en", "category_en"} <= listed.keys()
    assert listed["category_en"] == "Public security services" and listed["department_en"]


def test_centre_api_has_english_notes_and_holiday_names(client):
    rules = client.get("/api/v1/centres/city").json()["rules"]
    assert [r["note_en"] for r in rules if r["kind"] == "extended"] == ["Open until 19:00 every Thursday"]
    with time_machine.travel(dt.datetime(2026, 9, 28, 9, 0, tzinfo=TZ), tick=False):
        days = client.get("/api/v1/centres/city/hours", {"from": "2026-09-30", "to": "2026-10-01"}).json()["items"]
    assert (days[1]["holiday"], days[1]["holiday_en"]) == ("国庆节", "National Day")
    staggered = [p for c in days[0]["categories"] for p in c["periods"] if p["kind"] == "staggered"]
    assert staggered and {p["note_en"] for p in staggered} == {
        "Open through midday, with the staggered-hours windows taking turns"
    }


def test_department_english_comes_from_its_record(client):
    police = Department.objects.get(name="平湖市公安局")
    police.name_en = "Pinghu Municipal Public Security Bureau"
    police.save()
    assert client.get("/api/v1/guides/330482-GA-001").json()["department_en"] == police.name_en
    assert "Pinghu Municipal Public Security Bureau" in english(client, "/police/330482-ga-001/")
