"""Issue 18, items 7–9 in a real browser: the 长辈版 large-text switch, search suggestions by keyboard (and the
same form without JavaScript), the 404 page, and badges that do not look like buttons."""

import re
from urllib.parse import quote

GUIDE = "/police/330482-ga-001/"


def _csp_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    return errors


def _px(page, selector: str, prop: str) -> float:
    return page.evaluate(f"parseFloat(getComputedStyle(document.querySelector({selector!r}))[{prop!r}])")


def test_large_text_switch_is_remembered_across_pages(page, site_url, screenshot):
    page.goto(site_url + GUIDE)
    standard_h1 = _px(page, "h1", "fontSize")
    standard_body = _px(page, "body", "fontSize")
    page.get_by_role("link", name="长辈版（大字）").click()
    page.wait_for_url(re.compile(re.escape(GUIDE) + "$"))
    assert page.locator("html").get_attribute("class") == "large-text"
    assert _px(page, "h1", "fontSize") == standard_h1 * 1.25
    assert _px(page, "body", "fontSize") == standard_body * 1.25
    # targets grow with the type: the guide's action buttons and the switch itself
    for box in [page.locator(".actions .button").first.bounding_box(), page.locator(".text-size a").bounding_box()]:
        assert box["height"] >= 56
    screenshot(page, "guide-large-text")
    page.get_by_role("link", name="服务中心").first.click()  # another page: still large
    assert page.locator("html").get_attribute("class") == "large-text"
    page.get_by_role("link", name="English").click()  # and in English
    assert page.locator("html").get_attribute("class") == "large-text"
    page.get_by_role("link", name="Standard text").click()
    assert page.locator("html").get_attribute("class") is None
    assert page.get_by_role("link", name="Large text (for elders)").is_visible()


def test_search_suggestions_by_keyboard(page, site_url, screenshot):
    errors = _csp_errors(page)
    page.goto(site_url + "/")
    box = page.get_by_role("combobox", name="搜索办事指南")
    box.focus()
    assert box.get_attribute("aria-expanded") == "false"
    page.keyboard.type("sfz")
    options = page.get_by_role("option")
    options.first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    listbox = page.get_by_role("listbox", name="推荐的办事指南")
    assert listbox.get_attribute("id") == box.get_attribute("aria-controls")
    assert "居民身份证" in options.first.inner_text()
    assert page.get_by_role("status").filter(has_text="条推荐").count() == 1  # announced to screen readers
    page.keyboard.press("ArrowDown")
    first = options.nth(0)
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    if options.count() > 1:
        page.keyboard.press("ArrowDown")
        assert box.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
        page.keyboard.press("ArrowUp")
        assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    screenshot(page, "search-suggestions")
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and listbox.is_hidden()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "combobox"  # the focus stays
    page.keyboard.press("ArrowDown")  # reopens on the first suggestion
    assert box.get_attribute("aria-expanded") == "true"
    name = first.locator(".suggestion-name").inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/[a-z-]+/330482-[a-z]+-\d+/$"))
    assert name in page.locator("h1").inner_text()
    assert errors == []


def test_enter_without_a_chosen_suggestion_searches(page, site_url):
    page.goto(site_url + "/en/search/")
    box = page.get_by_role("combobox", name="Search the service guides")
    box.focus()
    page.keyboard.type("passport")
    page.get_by_role("option").first.wait_for()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/en/search/\?q=passport"))
    assert page.locator(".search-results li").count() > 0


def test_search_box_works_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(site_url + "/")
    box = page.get_by_label("搜索办事指南")
    assert box.get_attribute("role") is None  # no combobox without the script
    box.fill("护照")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape("/search/?q=" + quote("护照"))))
    assert "护照" in page.locator(".search-results li").first.inner_text()
    context.close()


def test_404_page_in_a_browser(page, site_url, screenshot):
    response = page.goto(site_url + "/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "找不到这个页面"
    assert page.get_by_role("combobox", name="搜索办事指南").is_visible()  # with suggestions too
    assert page.get_by_role("link", name="12345").first.get_attribute("href") == "tel:12345"
    screenshot(page, "not-found")


def test_badges_do_not_look_like_buttons(page, site_url):
    page.goto(site_url + GUIDE)
    badge = page.locator(".badges .badge").first
    button = page.locator(".actions .button").first
    styles = "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).cursor, e.getBoundingClientRect().height]"
    badge_bg, badge_cursor, badge_height = badge.evaluate(styles)
    button_bg, _, button_height = button.evaluate(styles)
    assert badge_bg != button_bg and badge_cursor == "default"
    assert badge_height < 0.75 * button_height
    # a tint: every channel of the badge's background is light
    assert all(int(c) >= 200 for c in re.findall(r"\d+", badge_bg)[:3])
