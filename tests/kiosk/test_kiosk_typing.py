"""Typing keeps up: a keystroke never waits for the search engine, late answers to older queries never
replace newer ones, and the result list reuses a screenful of row widgets however many guides match."""

import math
import time

from test_kiosk_flows import search_by_keyboard

from kiosk.viewmodels.search import INLINE_WAIT

QUERY = "shenfenzheng"


def test_fast_typing_ends_with_the_last_querys_results_only(make_kiosk):
    k = make_kiosk()
    vm = k.app.vms["search"]
    shown: list[str] = []
    vm.bind(shown_query=lambda _vm, value: shown.append(value))
    search_by_keyboard(k, "", "abc")

    slowest = 0.0
    for end in range(1, len(QUERY) + 1):
        start = time.perf_counter()
        vm.query = QUERY[:end]  # as fast as a keystroke can come: no frame in between
        slowest = max(slowest, time.perf_counter() - start)
    # The keystroke waits at most INLINE_WAIT for its results, then draws without them.
    assert slowest < INLINE_WAIT + 0.1, f"a keystroke blocked the UI for {slowest * 1000:.0f} ms"

    k.until(lambda: vm.shown_query == QUERY, "the last query's results")
    k.frames(10)  # answers to older queries still in flight would land now
    assert vm.shown_query == QUERY
    assert vm.rows == k.app.services.search.search(QUERY).rows
    prefixes = [q for q in shown if q]
    assert prefixes == sorted(prefixes, key=len), f"an older answer came after a newer one: {prefixes}"


def test_results_reuse_a_screenful_of_row_widgets(make_kiosk):
    k = make_kiosk()
    vm = k.app.vms["search"]
    search_by_keyboard(k, "", "abc")
    vm.query = "z"
    k.until(lambda: vm.shown_query == "z" and vm.rows, "results for z")
    results = k.screen.ids.results
    layout = results.children[0]
    row_height = layout.default_size[1]
    visible = math.ceil(results.height / row_height) + 1
    first = {id(w) for w in layout.children}
    assert 0 < len(first) <= visible, (len(first), visible, len(vm.rows))

    vm.query = "sfz"
    k.until(lambda: vm.shown_query == "sfz" and vm.rows, "results for sfz")
    again = {id(w) for w in layout.children}
    assert len(again) <= visible
    assert first & again, "the rows were built anew instead of reused"


def test_result_rows_draw_textures_only_as_large_as_their_text(make_kiosk):
    """Without a GPU each label texture's pixels are uploaded whenever its text changes: a short name's
    texture is as wide as the name, not the row; a name too long for the row is cut with "…" in its width."""
    k = make_kiosk()
    vm = k.app.vms["search"]
    search_by_keyboard(k, "", "abc")
    vm.query = "sfz"
    k.until(lambda: vm.shown_query == "sfz" and vm.rows, "results for sfz")
    k.frames(3)
    rows = k.screen.ids.results.children[0].children
    name = next(r for r in rows if r.name).children[-1]  # the row's first label: the name
    assert 0 < name.texture_size[0] < name.width / 2, (name.texture_size, name.width)

    name.text = "居民身份证申领" * 40
    k.frames(2)
    assert name.texture_size[0] <= name.width
    assert name.is_shortened
