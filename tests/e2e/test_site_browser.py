"""The public site in a real browser (Debian's chromium through Playwright) against a real server:
home, a guide and a centre page, in both languages, by keyboard, on a phone and in print."""


def test_home_page(page, site_url, screenshot):
    page.goto(site_url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").inner_text() == "群众和企业到政府办事，最多跑一次"
    assert page.locator(".categories li").count() == 7
    assert page.get_by_label("搜索办事指南").is_visible()
    screenshot(page, "home", docs=True)


def test_guide_page(page, site_url, screenshot):
    page.goto(site_url + "/")
    page.get_by_role("link", name="公安服务").first.click()
    page.get_by_role("link", name="居民身份证申领/换领/补领").click()
    assert page.url.endswith("/police/330482-ga-001/")
    assert page.locator(".badge-free").first.is_visible()
    assert page.get_by_role("link", name="预约办理").is_visible()
    assert page.locator(".qr svg").is_visible()
    assert page.locator("table.materials tbody tr").count() >= 3
    screenshot(page, "guide")


def test_centre_page(page, site_url, screenshot):
    page.goto(site_url + "/centres/city/")
    table = page.locator("table.week")
    assert table.is_visible()
    assert table.locator("thead th").count() == 8
    assert page.locator(".week .period-staggered").count() > 0
    assert page.locator(".week .period-extended").count() > 0
    screenshot(page, "centre")


def test_language_switch_keeps_the_page(page, site_url, screenshot):
    page.goto(site_url + "/police/330482-ga-001/")
    page.get_by_role("link", name="English").click()
    assert page.url.endswith("/en/police/330482-ga-001/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Resident Identity Card" in page.locator("h1").inner_text()
    # every text in English, not just the headings
    assert page.get_by_text("Checked in the household registration system; you do not need to bring it.").is_visible()
    assert page.get_by_text("Household registration officer").is_visible()
    assert page.locator("table").get_by_text("¥20 per card").is_visible()
    screenshot(page, "guide-en", docs=True)
    page.get_by_role("link", name="中文").click()
    assert page.url.endswith("/police/330482-ga-001/") and "/en/" not in page.url


def test_keyboard_reaches_the_content_first(page, site_url):
    page.goto(site_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    # The focused control shows where the keyboard is: a visible outline, not the browser's default none.
    outline = page.evaluate(
        "(s => [s.outlineStyle, parseFloat(s.outlineWidth)])(getComputedStyle(document.activeElement))"
    )
    assert outline[0] == "solid" and outline[1] >= 2


def test_guide_fits_a_phone_screen(browser, site_url, screenshot):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN", is_mobile=True)
    phone = context.new_page()
    phone.goto(site_url + "/police/330482-ga-001/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone, "guide-phone")
    context.close()


def test_centre_week_fits_a_phone_screen(browser, site_url, screenshot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    phone = context.new_page()
    phone.goto(site_url + "/centres/city/")
    assert not phone.locator("table.week").is_visible()
    days = phone.locator("ol.week-days > li")
    assert days.count() == 7 and days.first.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    map_link = phone.get_by_role("link", name="地图")
    assert map_link.get_attribute("href").startswith("https://uri.amap.com/marker?position=")
    screenshot(phone, "centre-phone")
    context.close()


def test_guide_prints_without_navigation(page, site_url):
    page.goto(site_url + "/police/330482-ga-001/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header nav").is_visible()
    assert not page.locator(".actions").is_visible()
    assert page.locator("table.materials").is_visible()
    assert page.locator("details p").first.is_visible()  # FAQ answers print open


def test_dashboard_shows_the_share_of_guides_in_english(page, site_url, screenshot):
    page.goto(site_url + "/en/dashboard/")
    row = page.locator("table.scorecard").first.get_by_role("row", name="Items fully translated into English")
    assert row.get_by_role("cell").first.inner_text() == "100.0%"
    assert page.locator("svg.chart").get_by_text("Items fully translated into English").count() == 1
    screenshot(page, "dashboard-en", docs=True)


def test_nearest_centres_from_a_town_without_script_and_from_the_browsers_position(browser, site_url):
    # Without JavaScript: choose a town, submit, get the list.
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "/police/330482-ga-001/")
    page.get_by_label("您所在的镇街").select_option("乍浦镇")
    page.get_by_role("button", name="查看最近的服务中心").click()
    assert "town=" in page.url and page.locator("ol.nearest li").count() >= 1
    assert page.get_by_role("button", name="使用我的位置").count() == 0
    context.close()
    # With JavaScript and the position allowed (Xindai's seat): the nearest centre comes first.
    context = browser.new_context(
        locale="zh-CN", geolocation={"latitude": 30.7936, "longitude": 121.0073}, permissions=["geolocation"]
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(site_url + "/police/330482-ga-001/")
    page.get_by_role("button", name="使用我的位置").click()
    page.wait_for_url("**near=30.79360,121.00730**")
    first = page.locator("ol.nearest li").first
    assert first.is_visible() and "公里" in first.inner_text()
    assert not errors  # the script is ours and the CSP allows it
    context.close()
