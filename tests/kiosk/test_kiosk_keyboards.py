"""Each field opens its own pad in its own mode: a name the Chinese keyboard, a phone or ID number the
number pad, a code or a unified social credit code letters and digits in capitals; a company books and
looks up with its credit code; browsing a window category opens no keyboard."""

GUIDE = "330482-BDC-002"  # 不动产转移登记: people and companies, appointments at the city centre
USCC = "91330482MA2B3C4D5Y"  # letters among the digits: no number pad can type it


def type_code(k, text: str) -> None:
    """Type `text` key by key on the keyboard as the field opened it, never switching its mode."""
    keyboard = k.app.keyboard
    mode = keyboard.mode
    for ch in text:
        k.key(ch.lower())
    assert keyboard.mode == mode


def captions(k) -> set[str]:
    return {key.text for row in k.app.keyboard.ids.rows.children for key in row.children}


def test_each_field_opens_its_own_pad_and_a_company_books_with_its_code(make_kiosk, cms):
    from kiosk.screens.home import CategoryTile

    k = make_kiosk()
    keyboard = k.app.keyboard

    # Browsing a window category: its guides, no keyboard over them.
    tile = next(w for w in k.screen.walk(restrict=True) if isinstance(w, CategoryTile) and w.count)
    k.tap(tile)
    assert k.app.screen == "search"
    assert k.app.pad == ""

    # A company books: its credit code on letters and digits, in capitals, no Chinese mode.
    k.app.open_guide(GUIDE)
    k.frames()
    k.tap_id("book")
    booking = k.app.vms["booking"]
    k.until(lambda: booking.slots, "free times")
    k.tap(k.screen.ids.slots.children[-1])
    assert k.app.screen == "booking_form"
    assert k.app.pad == "numpad"  # a person's ID number first
    k.tap(k.screen.ids.holders.ids.company)
    assert k.app.pad == "keyboard"
    assert keyboard.mode == "abc"
    shown = captions(k)
    assert {"M", "A", "9", "0"} <= shown and "中" not in shown and "m" not in shown
    type_code(k, USCC)
    assert booking.id_number == USCC

    # The name: the Chinese keyboard, whatever mode the last field left.
    k.tap(k.field("name"))
    assert keyboard.mode == "zh"
    k.until(lambda: k.app.services.ime.ready.is_set(), "the pinyin lexicon")
    k.keys("li")
    k.candidate("李")
    # The phone: digits, no X.
    k.tap(k.field("phone"))
    assert k.app.pad == "numpad" and not k.app.numpad.allow_x
    k.pad("13700003333")
    k.agree()
    k.tap_id("confirm")
    k.until(lambda: k.app.screen == "booking_done", "the confirmation")
    code = booking.booking["code"]
    k.tap_id("done")

    # The company looks its booking up: the code on letters and digits, then its credit code.
    k.tap_id("my_booking")
    assert k.app.pad == "keyboard" and keyboard.mode == "abc"
    type_code(k, code)
    k.tap(k.screen.ids.holders.ids.company)
    assert k.app.pad == "keyboard" and keyboard.mode == "abc"
    type_code(k, USCC)
    k.tap_id("look_up")
    status = k.app.vms["status"]
    k.until(lambda: status.kind or status.error or status.server_error, "the lookup")
    assert status.kind == "booking", (status.error, status.server_error)
    assert status.result["code"] == code
