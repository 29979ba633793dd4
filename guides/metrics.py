"""Reform metrics (督查考核): how far the published guides meet the targets of 平政发〔2017〕59号.

Every metric is a plain function of a list of guides, so the dashboard, its CSV export and
`/api/v1/metrics` show the same figures, and a test can check them against a hand count.

- one_visit: share of items needing at most one trip (visits ≤ 1), target ≥ 80% ("覆盖80%以上").
- immediate: share of 即办件, target ≥ 60%.
- time_cut: average per-item cut of the committed limit against the statutory one, target ≥ 20%
  ("承诺办理时间至少再缩短20%"). Items whose statutory limit is 0 days cannot be cut and are left
  out of the average (they count in `excluded`).
- investment_cut: cut of the whole investment-project process ("全流程时限压缩50%"): one minus the
  sum of committed limits over the sum of statutory limits of the 投资项目 items, target ≥ 50%.
- online: share with online application, target 100% ("所有事项原则上开通网上申请").
- multi_centre: share handled at two or more centres (同城通办), target ≥ 50%.
- express: share whose certificate can be sent by express (快递送达); the plan sets no figure.
- translated: share of guides fully in English (no `guides.validate.untranslated` warning), for the
  foreign residents and investors of the development zones; the plan sets no figure.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from guides.enums import WindowCategory
from guides.schema import Guide
from guides.validate import untranslated


@dataclass(frozen=True)
class Metric:
    """One measure of the reform, with its target as a fraction (None: reported, no target)."""

    key: str
    zh: str
    en: str
    target: Fraction | None
    kind: str  # "share": guides meeting a rule over guides measured; "cut": a time-limit reduction


@dataclass(frozen=True)
class Figure:
    """A metric measured on some guides. `value` is None when no guide could be measured."""

    metric: Metric
    value: Fraction | None
    measured: int  # guides in the denominator
    meeting: int | None  # share metrics: guides meeting the rule
    excluded: int = 0  # guides that cannot be measured (e.g. statutory limit 0)

    @property
    def met(self) -> bool | None:
        if self.metric.target is None or self.value is None:
            return None
        return self.value >= self.metric.target

    @property
    def percent(self) -> float | None:
        return None if self.value is None else round(float(self.value) * 100, 1)

    @property
    def target_percent(self) -> float | None:
        return None if self.metric.target is None else round(float(self.metric.target) * 100, 1)


@dataclass(frozen=True)
class Scorecard:
    """Every metric for one group of guides: all of them, one department or one window category."""

    scope: str  # "all", "department" or "category"
    name: str
    name_en: str
    guides: int
    figures: tuple[Figure, ...]

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.metric.key == key)


@dataclass(frozen=True)
class Report:
    total: Scorecard
    departments: tuple[Scorecard, ...]
    categories: tuple[Scorecard, ...]


def _share(guides: Sequence[Guide], rule: Callable[[Guide], bool]) -> tuple[Fraction | None, int, int | None, int]:
    meeting = sum(1 for g in guides if rule(g))
    return (Fraction(meeting, len(guides)) if guides else None), len(guides), meeting, 0


def _average_cut(guides: Sequence[Guide]) -> tuple[Fraction | None, int, int | None, int]:
    measurable = [g for g in guides if g.statutory_days > 0]
    cuts = [Fraction(g.statutory_days - g.committed_days, g.statutory_days) for g in measurable]
    value = sum(cuts, Fraction(0)) / len(cuts) if cuts else None
    return value, len(measurable), None, len(guides) - len(measurable)


def _investment_cut(guides: Sequence[Guide]) -> tuple[Fraction | None, int, int | None, int]:
    projects = [g for g in guides if g.category is WindowCategory.INVESTMENT]
    measurable = [g for g in projects if g.statutory_days > 0]
    statutory = sum(g.statutory_days for g in measurable)
    value = 1 - Fraction(sum(g.committed_days for g in measurable), statutory) if statutory else None
    return value, len(measurable), None, len(projects) - len(measurable)


METRICS: tuple[tuple[Metric, Callable[[Sequence[Guide]], tuple]], ...] = (
    (
        Metric("one_visit", "最多跑一次事项占比", "Items needing at most one visit", Fraction(80, 100), "share"),
        lambda gs: _share(gs, lambda g: g.channels.visits <= 1),
    ),
    (
        Metric("immediate", "即办件占比", "Items done on the spot", Fraction(60, 100), "share"),
        lambda gs: _share(gs, lambda g: g.immediate),
    ),
    (
        Metric(
            "time_cut", "承诺时限平均压缩比例", "Average cut of committed vs statutory time", Fraction(20, 100), "cut"
        ),
        _average_cut,
    ),
    (
        Metric(
            "investment_cut",
            "投资项目全流程时限压缩比例",
            "Cut of the whole investment-project process",
            Fraction(50, 100),
            "cut",
        ),
        _investment_cut,
    ),
    (
        Metric("online", "网上申请事项占比", "Items with online application", Fraction(1), "share"),
        lambda gs: _share(gs, lambda g: g.channels.online),
    ),
    (
        Metric("multi_centre", "同城通办事项占比", "Items handled at several centres", Fraction(50, 100), "share"),
        lambda gs: _share(gs, lambda g: len(set(g.centres)) >= 2),
    ),
    (
        Metric("express", "快递送达事项占比", "Items with express delivery", None, "share"),
        lambda gs: _share(gs, lambda g: g.channels.express),
    ),
    (
        Metric("translated", "英文译文完整的事项占比", "Items fully translated into English", None, "share"),
        lambda gs: _share(gs, lambda g: not untranslated(g)),
    ),
)


def scorecard(
    guides: Iterable[Guide], scope: str = "all", name: str = "全部事项", name_en: str = "All items"
) -> Scorecard:
    guides = list(guides)
    figures = tuple(Figure(metric, *measure(guides)) for metric, measure in METRICS)
    return Scorecard(scope, name, name_en, len(guides), figures)


def by_department(guides: Iterable[Guide], names_en: dict[str, str] | None = None) -> tuple[Scorecard, ...]:
    """One scorecard per lead department, by name (co-departments do not count)."""
    groups: dict[str, list[Guide]] = {}
    for guide in guides:
        groups.setdefault(guide.department, []).append(guide)
    names_en = names_en or {}
    return tuple(scorecard(gs, "department", name, names_en.get(name, "")) for name, gs in sorted(groups.items()))


def by_category(guides: Iterable[Guide]) -> tuple[Scorecard, ...]:
    """One scorecard per window category, in the order of the seven, including empty ones."""
    guides = list(guides)
    return tuple(
        scorecard([g for g in guides if g.category is category], "category", category.value, category.label_en)
        for category in WindowCategory
    )


def report(guides: Iterable[Guide], department_names_en: dict[str, str] | None = None) -> Report:
    guides = list(guides)
    return Report(scorecard(guides), by_department(guides, department_names_en), by_category(guides))
