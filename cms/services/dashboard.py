"""The reform dashboard (督查考核): `guides.metrics` over the published guides, as a page, CSV and a chart.

The admin view, the public page, the CSV export and `/api/v1/metrics` all read `current_report()`,
so they always agree.
"""

import csv
import hashlib
import io
from fractions import Fraction

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cms.core.i18n import pick
from cms.services.models import Department, ServiceGuidePage
from cms.services.standard import guide_from_page
from guides import metrics
from guides.enums import GuideStatus
from guides.schema import Guide

REPORT_KEPT_SECONDS = 24 * 3600  # a report no longer current is never read again; let it go

_RELATIONS = (
    "materials",
    "steps",
    "special_procedures",
    "faq",
    "fee_items",
    "co_department_links__department",
    "centre_links__centre",
)


def published_guides() -> list[Guide]:
    """Live guides whose item is in force; suspended or abolished items are not measured."""
    pages = (
        ServiceGuidePage.objects.live()
        .filter(status=GuideStatus.ACTIVE.value)
        .select_related("department")
        .prefetch_related(*_RELATIONS)
        .order_by("code")
    )
    return [guide_from_page(page) for page in pages]


def current_report() -> metrics.Report:
    """The report over the published catalogue. The home page shows it on every view and building it reads
    every guide, so it is cached under what it depends on: one aggregate query tells whether a guide was
    published, unpublished or deleted since (each worker and app server asks the database, not a signal)."""
    names_en = dict(Department.objects.exclude(name_en="").values_list("name", "name_en"))
    state = ServiceGuidePage.objects.live().aggregate(
        guides=Count("id"), published=Max("last_published_at"), revision=Max("latest_revision_id")
    )
    fingerprint = repr((sorted(state.items()), sorted(names_en.items())))
    key = "metrics-report:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    if (report := cache.get(key)) is None:
        report = metrics.report(published_guides(), names_en)
        cache.set(key, report, REPORT_KEPT_SECONDS)
    return report


def _percent(value: Fraction | None) -> str:
    return "" if value is None else f"{float(value) * 100:.1f}"


CSV_HEADER = [
    "scope",
    "name",
    "name_en",
    "guides",
    "metric",
    "metric_zh",
    "metric_en",
    "value_percent",
    "measured",
    "meeting",
    "excluded",
    "target_percent",
    "met",
]


def _cell(value):
    """A text cell a spreadsheet would take for a formula (=, +, -, @, tab, CR) gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def report_csv(report: metrics.Report) -> str:
    """One row per scorecard and metric; a BOM so that spreadsheet programs read the Chinese as UTF-8.
    Names come from editors, so text cells are escaped against spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for card in (report.total, *report.categories, *report.departments):
        for f in card.figures:
            row = [
                card.scope,
                card.name,
                card.name_en,
                card.guides,
                f.metric.key,
                f.metric.zh,
                f.metric.en,
                _percent(f.value),
                f.measured,
                "" if f.meeting is None else f.meeting,
                f.excluded,
                _percent(f.metric.target),
                {True: "yes", False: "no", None: ""}[f.met],
            ]
            writer.writerow([_cell(value) for value in row])
    return "\ufeff" + out.getvalue()


def report_json(report: metrics.Report) -> dict:
    def figure(f: metrics.Figure) -> dict:
        return {
            "key": f.metric.key,
            "name": f.metric.zh,
            "name_en": f.metric.en,
            "kind": f.metric.kind,
            "value": None if f.value is None else round(float(f.value), 4),
            "percent": f.percent,
            "measured": f.measured,
            "meeting": f.meeting,
            "excluded": f.excluded,
            "target": None if f.metric.target is None else float(f.metric.target),
            "met": f.met,
        }

    def card(c: metrics.Scorecard) -> dict:
        return {"name": c.name, "name_en": c.name_en, "guides": c.guides, "metrics": [figure(f) for f in c.figures]}

    return {
        "total": card(report.total),
        "categories": {"items": [card(c) for c in report.categories], "count": len(report.categories)},
        "departments": {"items": [card(c) for c in report.departments], "count": len(report.departments)},
    }


# Colour is never the only cue: every bar carries its figure as text, and the tables say 达标 / 未达标.
_CHART_STYLE = (
    "text{font:13px sans-serif;fill:#1a1a1a}.track{fill:#e8e8e8}.bar{fill:#0b4f9c}"
    ".met .bar{fill:#0b6b3a}.missed .bar{fill:#b3261e}.target{stroke:#1a1a1a;stroke-width:2}"
)


def bar_chart(card: metrics.Scorecard, chart_id: str = "chart") -> SafeString:
    """Horizontal bars (0–100%) with each target marked: server-rendered SVG, no JavaScript needed."""
    label_width, bar_width, row, top = 320, 420, 34, 28  # room for the longest English label
    height = top + row * len(card.figures) + 8
    rows = []
    for i, f in enumerate(card.figures):
        y = top + i * row
        label = pick(f.metric.zh, f.metric.en)
        value = 0.0 if f.value is None else max(0.0, min(1.0, float(f.value)))
        status = {True: "met", False: "missed", None: "none"}[f.met]
        shown = "—" if f.value is None else f"{f.percent:.1f}%"
        target = ""
        if f.metric.target is not None:
            x = label_width + float(f.metric.target) * bar_width
            target = format_html(
                '<line class="target" x1="{}" x2="{}" y1="{}" y2="{}"/>', f"{x:.1f}", f"{x:.1f}", y - 4, y + 22
            )
        rows.append(
            format_html(
                '<g class="{}"><text x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="track" x="{}" y="{}" width="{}" height="18"/>'
                '<rect class="bar" x="{}" y="{}" width="{}" height="18"/>{}'
                '<text x="{}" y="{}">{}</text></g>',
                status,
                label_width - 8,
                y + 14,
                label,
                label_width,
                y,
                bar_width,
                label_width,
                y,
                f"{value * bar_width:.1f}",
                target,
                label_width + bar_width + 6,
                y + 14,
                shown,
            )
        )
    title = _("Reform metrics against their targets")
    legend = _("Bars: share or cut achieved; vertical lines: targets.")
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>'
        "<style>{5}</style>"
        '<text class="legend" x="0" y="14">{6}</text>{7}</svg>',
        chart_id,
        label_width + bar_width + 70,
        height,
        title,
        legend,
        _CHART_STYLE,
        legend,
        format_html_join("", "{}", ((r,) for r in rows)),
    )
