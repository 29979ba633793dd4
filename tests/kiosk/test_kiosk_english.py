"""English mode is English (issues 17 and 21): every screen a citizen reaches for a catalogue guide, with every
element of the guide (conditions and prohibitions, materials, their necessity and notes, steps and who does
them, fees and their units, the result and its validity, the department, the centres and their hours), shows
no Chinese; in Chinese, the screen's punctuation is full-width."""

import re

import pytest
from kivy.uix.label import Label

from kiosk.viewmodels.guide import opening_spans

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# The one word each language offers the other: the switch to Chinese, and the Chinese keyboard's key.
OTHER_LANGUAGE = {"中文", "中"}
# Half-width punctuation touching Chinese: "窗口领取, 快递送达", "今日: 08:30", "受理 — 窗口 (当日)".
HALF_WIDTH_IN_CHINESE = re.compile(r"[\u4e00-\u9fff][,:;?!]|[\u4e00-\u9fff] ?\(|\) ?[\u4e00-\u9fff]")


def labels(k) -> list[str]:
    """The texts the window shows now: the current screen, the header, the pads."""
    roots = [k.app.root.ids.header, k.screen, k.app.keyboard, k.app.numpad]
    return [w.text for root in roots for w in root.walk(restrict=True) if isinstance(w, Label) and w.text]


def walk_guide(k, guide: str, check) -> dict[str, list[str]]:
    """Guide → Book (centre and day, then the form) → Apply → Check-in → My booking → Search: what `check`
    finds on each screen."""
    seen = {}

    def look(where: str) -> None:
        k.frames()
        seen[where] = [text for text in labels(k) if check(text)]

    k.app.open_guide(guide)
    look("guide")
    k.tap_id("book")
    booking = k.app.vms["booking"]
    k.until(lambda: booking.slots, "free times")
    look("booking")
    k.tap(k.screen.ids.slots.children[-1])
    look("booking form")
    k.app.go_home()
    look("home")
    k.app.open_guide(guide)
    k.frames()
    k.tap_id("apply")
    look("apply")
    k.app.go_home()
    k.tap_id("check_in")
    look("check-in")
    k.app.go_home()
    k.tap_id("my_booking")
    look("my booking")
    k.app.go_home()
    k.app.open_search()
    look("search")
    return {where: texts for where, texts in seen.items() if texts}


@pytest.mark.parametrize("guide", ["330482-GA-001", "330482-GA-004"])  # the second has a 容缺 material
def test_every_screen_of_a_guide_is_english_in_english(make_kiosk, guide):
    k = make_kiosk(language="en")
    found = walk_guide(k, guide, lambda text: CJK.search(text) and text not in OTHER_LANGUAGE)
    assert not found, found


def test_chinese_screens_use_full_width_punctuation(make_kiosk):
    k = make_kiosk()
    found = walk_guide(k, "330482-GA-001", HALF_WIDTH_IN_CHINESE.search)
    assert not found, found


def period(start: str, end: str, kind: str = "regular") -> dict:
    return {"start": f"2026-12-07T{start}:00+08:00", "end": f"2026-12-07T{end}:00+08:00", "kind": kind}


@pytest.mark.parametrize(
    ("periods", "shown"),
    [
        # regular, staggered over midday, regular, extended into the evening: one opening period
        (
            [period("08:30", "12:00"), period("12:00", "13:30", "staggered"), period("13:30", "17:00")]
            + [period("17:00", "19:00", "extended")],
            [("08:30", "19:00")],
        ),
        ([period("08:30", "11:30"), period("13:00", "17:00")], [("08:30", "11:30"), ("13:00", "17:00")]),
        (
            [period("13:00", "17:00"), period("08:30", "12:00"), period("11:30", "12:30", "staggered")],
            [("08:30", "12:30"), ("13:00", "17:00")],
        ),
        ([], []),
    ],
)
def test_touching_periods_read_as_one_opening_period(periods, shown):
    assert opening_spans(periods) == shown


def test_a_booking_confirmed_and_looked_up_in_english_shows_no_chinese(make_kiosk):
    """The service answers the guide's name and the centre's address in Chinese; the kiosk shows their English."""
    from test_kiosk_journey import book

    from tests.support.bookings import id_number

    k = make_kiosk(language="en")
    person = id_number(7305)
    code = book(k, person, "13700003333")
    seen = {"confirmation": [t for t in labels(k) if CJK.search(t) and t not in OTHER_LANGUAGE and t != "李"]}
    k.tap_id("done")
    k.tap_id("my_booking")
    k.type_into("code", code)
    k.tap(k.field("id_number"))
    k.pad(person)
    k.tap_id("look_up")
    status = k.app.vms["status"]
    k.until(lambda: status.kind == "booking", "the booking found")
    k.frames()
    assert code in k.screen.ids.result.text
    seen["my booking"] = [t for t in labels(k) if CJK.search(t) and t not in OTHER_LANGUAGE]
    assert not any(seen.values()), seen
