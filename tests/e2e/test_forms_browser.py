"""The forms a citizen finishes on, in a real browser (Debian's chromium through Playwright) against a real
server: an application sent back with one bad field keeps every value and chosen file; answers are checked,
changed and submitted; the confirmation says by when and where to check; every page's header leads back to
my bookings and applications; cancelling a booking asks once more and then offers to book again."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfWriter

from tests.support.bookings import id_number
from tests.support.servers import manage

GUIDE = "330482-SH-006"  # a citizen's item: two required materials, a deferrable and an optional one; 3 days
BOOKING = """
from cms.bookings import services
from cms.core.caller import Caller
from cms.core.enums import Channel
from guides import applicants
from tests.support.bookings import CONSENT, future_slots
slot = future_slots()[0]
caller = Caller(Channel.WEB, address="192.0.2.18", id_number="{id}", proven=True)
person = applicants.applicant("王五", "{id}", "13912345670", "")
booking, _ = services.book(slot.pk, "330482-GA-001", person, caller, **CONSENT)
print(booking.code)
"""


def pdf(title: str) -> dict:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return {"name": f"{title}.pdf", "mimeType": "application/pdf", "buffer": out.getvalue()}


def test_an_application_keeps_everything_then_is_checked_changed_and_submitted(page, site_url, screenshot):
    person = id_number(31)
    page.goto(f"{site_url}/apply/{GUIDE}/")
    page.fill("#f-name", "张三")
    page.fill("#f-id", person)
    page.fill("#f-phone", "123")  # the one bad field
    page.check("#consent")
    required = page.locator("input[type=file][required]")
    expect(required).to_have_count(2)
    first, second = required.nth(0).get_attribute("id"), required.nth(1).get_attribute("id")
    page.set_input_files(f"#{first}", pdf("户口簿"))
    page.set_input_files(f"#{second}", pdf("证明材料"))
    page.get_by_role("button", name="下一步").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert summary.locator("a").count() == 1 and summary.locator("a").get_attribute("href") == "#f-phone"
    assert page.locator("#f-phone + .errors, #f-phone ~ .errors").count() == 1  # the message next to the field
    expect(page.locator("#f-name")).to_have_value("张三")
    expect(page.locator("#f-id")).to_have_value(person)
    kept = page.locator(".kept-file")
    expect(kept).to_have_count(2)
    expect(kept.first).to_contain_text("已选择: 户口簿.pdf")
    expect(kept.nth(1)).to_contain_text("证明材料.pdf")
    assert page.locator(f"#{first}").get_attribute("required") is None  # kept: not asked again
    summary.locator("a").click()
    assert page.evaluate("location.hash") == "#f-phone"
    screenshot(page, "apply-kept")

    page.fill("#f-phone", "13912345678")
    page.get_by_role("button", name="下一步").click()  # no file chosen again: the kept ones go on
    expect(page.locator("h1")).to_have_text("提交前请核对您填写的信息")
    for text in ("张三", person, "13912345678", "户口簿.pdf", "证明材料.pdf"):
        expect(page.locator("main")).to_contain_text(text)
    screenshot(page, "apply-check-answers")

    page.locator(f'a[href$="/apply/{GUIDE}/#f-name"]').click()  # change
    expect(page.locator("#f-name")).to_have_value("张三")
    expect(page.locator(".kept-file")).to_have_count(2)
    page.fill("#f-name", "张三丰")
    page.get_by_role("button", name="下一步").click()
    expect(page.locator("h1")).to_have_text("提交前请核对您填写的信息")
    expect(page.locator("main")).to_contain_text("张三丰")

    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("h1")).to_have_text("申请已提交")
    receipt = page.locator(".panel-confirmation .booking-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{8,16}", receipt)
    main = page.locator("main")
    expect(main).to_contain_text("受理后 3 个工作日内办结")
    expect(main.get_by_role("link", name="本件的办理进度页")).to_have_attribute("href", f"/apply/status/{receipt}/")
    screenshot(page, "apply-submitted")
    main.get_by_role("link", name="本件的办理进度页").click()
    expect(page.locator("main")).to_contain_text(receipt)
    expect(page.locator("main")).to_contain_text("户口簿.pdf")

    page.go_back()
    page.go_back()  # back to the check page after submitting: the receipt, not a second application
    expect(page.locator("h1")).to_have_text("申请已提交")


def test_every_page_s_header_leads_back_in(page, site_url):
    for path in ("/", "/centres/city/", "/police/330482-ga-001/", f"/apply/{GUIDE}/"):
        page.goto(site_url + path)
        header = page.locator("header.site-header")
        expect(header.get_by_role("link", name="我的预约")).to_have_attribute("href", "/booking/manage/")
        expect(header.get_by_role("link", name="我的办件")).to_have_attribute("href", "/apply/status/")
    page.locator("header.site-header").get_by_role("link", name="我的办件").click()
    expect(page.locator("h1")).to_have_text("查询办件")
    page.locator("header.site-header").get_by_role("link", name="我的预约").click()
    assert page.url.endswith("/booking/manage/")
    page.goto(site_url + "/en/")
    expect(page.locator("header.site-header").get_by_role("link", name="My bookings")).to_have_attribute(
        "href", "/en/booking/manage/"
    )


def test_cancelling_asks_once_more_then_offers_to_book_again(page, site_url, site_env, screenshot):
    person = id_number(32)
    code = manage(site_env, "shell", "-c", BOOKING.replace("{id}", person)).strip().splitlines()[-1]
    page.goto(site_url + "/booking/manage/")
    page.fill("input[name=code]", code)
    page.fill("input[name=id_number]", person)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("link", name="加入日历（.ics）")).to_be_visible()

    page.get_by_role("button", name="取消这个预约").click()
    expect(page.locator("h1")).to_have_text("确定取消这个预约吗？")
    expect(page.locator("main")).to_contain_text(code)
    screenshot(page, "booking-cancel-confirm")
    page.get_by_role("link", name="不取消，保留预约").click()  # no: nothing changed
    expect(page.get_by_role("button", name="取消这个预约")).to_be_visible()

    page.get_by_role("button", name="取消这个预约").click()
    page.get_by_role("button", name="确定取消预约").click()
    expect(page.locator("main")).to_contain_text("已取消")
    expect(page.locator("main a[href$='.ics']")).to_have_count(0)
    again = page.get_by_role("link", name="再次预约")
    expect(again).to_be_visible()
    again.click()
    assert "guide=330482-GA-001" in page.url and "centre=" in page.url
    expect(page.locator("main")).to_contain_text("居民身份证")
