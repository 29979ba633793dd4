"""Reform metrics on small made-up sets of guides, where every figure can be worked out by hand."""

from fractions import Fraction

import pytest

from guides import metrics
from guides.enums import WindowCategory
from guides.files import CATALOGUE_DIR, load_guide_file

BASE = load_guide_file(CATALOGUE_DIR / "330482-GA-001.yaml")


def guide(
    *,
    visits=1,
    immediate=False,
    statutory=10,
    committed=8,
    online=True,
    centres=("city",),
    express=False,
    category=WindowCategory.POLICE,
    department="平湖市公安局",
    english=True,
):
    channels = BASE.channels.model_copy(update={"visits": visits, "online": online, "express": express})
    return BASE.model_copy(
        update={
            "immediate": immediate,
            "statutory_days": statutory,
            "committed_days": committed,
            "channels": channels,
            "centres": list(centres),
            "category": category,
            "department": department,
            **({} if english else {"faq": [faq.model_copy(update={"answer_en": ""}) for faq in BASE.faq]}),
        }
    )


INVEST = WindowCategory.INVESTMENT


@pytest.mark.parametrize(
    ("guides", "key", "value", "measured", "meeting", "excluded", "met"),
    [
        # at most one visit: 0 and 1 count, 2 does not
        (
            [guide(visits=0), guide(visits=1), guide(visits=2), guide(visits=1)],
            "one_visit",
            Fraction(3, 4),
            4,
            3,
            0,
            False,
        ),
        ([guide(visits=1)] * 4 + [guide(visits=3)], "one_visit", Fraction(4, 5), 5, 4, 0, True),  # exactly 80% meets
        ([guide(immediate=True)] * 3 + [guide()] * 2, "immediate", Fraction(3, 5), 5, 3, 0, True),
        ([guide(immediate=True), guide()], "immediate", Fraction(1, 2), 2, 1, 0, False),
        # average of per-item cuts: (10-8)/10 = 20%, (20-5)/20 = 75% → 47.5%
        (
            [guide(statutory=10, committed=8), guide(statutory=20, committed=5)],
            "time_cut",
            Fraction(95, 200),
            2,
            None,
            0,
            True,
        ),
        # a statutory limit of 0 cannot be cut: left out of the average, counted as excluded
        (
            [guide(statutory=0, committed=0), guide(statutory=10, committed=9)],
            "time_cut",
            Fraction(1, 10),
            1,
            None,
            1,
            False,
        ),
        ([guide(statutory=0, committed=0)], "time_cut", None, 0, None, 1, None),
        # the whole investment process: 1 - (5+10)/(20+10) = 50%; other categories do not count
        (
            [
                guide(category=INVEST, statutory=20, committed=5),
                guide(category=INVEST, statutory=10, committed=10),
                guide(statutory=30, committed=0),
            ],
            "investment_cut",
            Fraction(1, 2),
            2,
            None,
            0,
            True,
        ),
        ([guide(category=INVEST, statutory=0, committed=0)], "investment_cut", None, 0, None, 1, None),
        ([guide()], "investment_cut", None, 0, None, 0, None),
        ([guide(online=True)] * 9 + [guide(online=False)], "online", Fraction(9, 10), 10, 9, 0, False),
        ([guide(online=True)] * 3, "online", Fraction(1), 3, 3, 0, True),
        # 同城通办 needs two different centres
        (
            [guide(centres=("city", "danghu")), guide(centres=("city",)), guide(centres=("city", "city"))],
            "multi_centre",
            Fraction(1, 3),
            3,
            1,
            0,
            False,
        ),
        ([guide(express=True), guide()], "express", Fraction(1, 2), 2, 1, 0, None),  # no target: never "met"
        # fully in English: one missing English text (here the FAQ answers) is enough to leave a guide out
        ([guide(), guide(english=False), guide(), guide()], "translated", Fraction(3, 4), 4, 3, 0, None),
        ([], "one_visit", None, 0, 0, 0, None),
    ],
)
def test_each_metric(guides, key, value, measured, meeting, excluded, met):
    figure = metrics.scorecard(guides).figure(key)
    assert (figure.value, figure.measured, figure.meeting, figure.excluded) == (value, measured, meeting, excluded)
    assert figure.met is met


def test_percent_is_rounded_to_one_decimal():
    figure = metrics.scorecard([guide(visits=1), guide(visits=2), guide(visits=2)]).figure("one_visit")
    assert figure.percent == 33.3


def test_scorecard_has_every_metric_in_order():
    card = metrics.scorecard([guide()])
    keys = [f.metric.key for f in card.figures]
    assert keys == [
        "one_visit",
        "immediate",
        "time_cut",
        "investment_cut",
        "online",
        "multi_centre",
        "express",
        "translated",
    ]
    assert [f.metric.target for f in card.figures] == [
        Fraction(4, 5),
        Fraction(3, 5),
        Fraction(1, 5),
        Fraction(1, 2),
        Fraction(1),
        Fraction(1, 2),
        None,
        None,
    ]


def test_by_department_groups_on_the_lead_department_sorted_by_name():
    guides = [
        guide(department="乙局", immediate=True),
        guide(department="甲局"),
        guide(department="乙局"),
    ]
    cards = metrics.by_department(guides, {"乙局": "Bureau B"})
    assert [(c.name, c.name_en, c.guides) for c in cards] == [("乙局", "Bureau B", 2), ("甲局", "", 1)]
    assert cards[0].figure("immediate").value == Fraction(1, 2)
    assert {c.scope for c in cards} == {"department"}


def test_by_category_lists_all_seven_even_when_empty():
    cards = metrics.by_category([guide(category=INVEST, statutory=10, committed=5), guide()])
    assert [c.name for c in cards] == [c.value for c in WindowCategory]
    invest = cards[0]
    assert invest.guides == 1 and invest.name_en == "Investment projects"
    assert invest.figure("investment_cut").value == Fraction(1, 2)
    empty = next(c for c in cards if c.name == WindowCategory.SOCIAL)
    assert empty.guides == 0 and all(f.value is None and f.met is None for f in empty.figures)


def test_report_totals_match_the_groups():
    guides = [guide(department="甲局"), guide(department="乙局", category=INVEST), guide(department="乙局")]
    report = metrics.report(guides)
    assert report.total.guides == 3
    assert sum(c.guides for c in report.departments) == 3
    assert sum(c.guides for c in report.categories) == 3
