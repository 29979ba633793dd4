"""Sign-in through a real OpenID Connect provider, end to end over real HTTP: gunicorn serving the site and the
demo identity provider (cms/identity/provider.py), a requests session as the citizen's browser. Sign in, book
without typing who you are, see the booking in 我的预约, sign out."""

import html
import json
import re
from types import SimpleNamespace

import pytest
import requests

from cms.identity.demo import DEMO_PASSWORD as PASSWORD
from tests.support.bookings import CONSENT, future_slots
from tests.support.servers import gunicorn

pytestmark = pytest.mark.django_db

GUIDE = "330482-GA-001"


def served_slot(site: str, n: int) -> SimpleNamespace:
    """The n-th open slot of an ordinary working day as the served site has it: slots this test process made
    in its own (uncommitted) transaction have ids the server never sees."""
    day = future_slots("city", "公安服务")[0].date
    answer = requests.get(f"{site}/api/v1/slots", params={"guide": GUIDE, "centre": "city", "date": day}, timeout=30)
    item = answer.json()["items"][n]
    return SimpleNamespace(pk=item["id"], date=day)


@pytest.fixture(scope="module")
def served(database_url, tmp_path_factory):
    """The site, with typed ID numbers needing a texted code (PHONE_CODES=1); texts are files in its DATA_DIR."""
    data_dir = tmp_path_factory.mktemp("identity-site")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PHONE_CODES", "1")
        with gunicorn(database_url, data_dir, workers=2) as url:
            yield url, data_dir


@pytest.fixture
def site(served):
    return served[0]


def hidden(page: str, name: str) -> str:
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


def sign_in(browser: requests.Session, site: str, account: str, start: str = "/my/bookings/") -> requests.Response:
    """From a page that needs sign-in, through the provider's login form, back to that page."""
    login = browser.get(f"{site}{start}", timeout=30)
    assert "/idp/login/" in login.url and login.status_code == 200
    form = {
        "csrfmiddlewaretoken": hidden(login.text, "csrfmiddlewaretoken"),
        "username": account,
        "password": PASSWORD,
        "next": hidden(login.text, "next"),
    }
    answer = browser.post(login.url, data=form, headers={"Referer": login.url}, timeout=30)
    if answer.url.endswith("/identity/consent/"):  # the first sign-in: the personal-information notice
        assert "个人信息" in answer.text and "180" in answer.text
        agree = {"csrfmiddlewaretoken": hidden(answer.text, "csrfmiddlewaretoken"), "agree": "yes"}
        answer = browser.post(answer.url, data=agree, timeout=30)
    return answer


def test_sign_in_book_see_it_in_my_bookings_and_sign_out(site):
    slot = served_slot(site, 0)
    browser = requests.Session()

    mine = sign_in(browser, site, "idp-zhangming")
    assert mine.status_code == 200 and mine.url == f"{site}/my/bookings/", (mine.url, mine.text[:3000])
    assert "张明" in mine.text and 'action="/my/bookings/' not in mine.text  # signed in, no bookings yet
    # the session cookie is a browser-session cookie: it ends when the browser closes
    assert all(cookie.expires is None for cookie in browser.cookies if cookie.name == "sessionid")

    form = browser.get(f"{site}/booking/", params={"guide": GUIDE, "centre": "city", "date": slot.date}, timeout=30)
    assert 'name="id_number"' not in form.text and 'name="phone"' not in form.text  # nothing typed
    booked = browser.post(
        f"{site}/booking/",
        data={
            "csrfmiddlewaretoken": hidden(form.text, "csrfmiddlewaretoken"),
            "guide": GUIDE,
            "form_key": hidden(form.text, "form_key"),
            "slot": slot.pk,
            "email": "",
        },
        timeout=30,
    )
    assert booked.status_code == 200 and "/booking/done/" in booked.url, booked.text[:2000]
    assert "未实名核验" not in booked.text  # signed in: proven
    code = booked.url.rstrip("/").rsplit("/", 1)[-1]

    mine = browser.get(f"{site}/my/bookings/", timeout=30)
    assert code in mine.text and "unverified" not in mine.text and "未核验" not in mine.text

    out = browser.post(
        f"{site}/identity/sign-out/",
        data={"csrfmiddlewaretoken": hidden(mine.text, "csrfmiddlewaretoken")},
        timeout=30,
    )
    assert out.status_code == 200 and out.url == f"{site}/"
    again = browser.get(f"{site}/my/bookings/", timeout=30)
    assert "/idp/login/" in again.url and code not in again.text  # signed out of the site and the provider


def test_an_account_without_real_name_verification_is_refused(site):
    refused = sign_in(requests.Session(), site, "idp-wangfang")
    assert refused.status_code == 403 and "未完成实名认证" in refused.text


def test_a_booking_typed_in_my_name_shows_unverified_in_my_bookings_and_i_cancel_it(served):
    site, data_dir = served
    slot = served_slot(site, 1)
    stranger = requests.Session()
    page = {"guide": GUIDE, "centre": "city", "date": slot.date}
    form = stranger.get(f"{site}/booking/", params=page, timeout=30)
    filled = {
        "csrfmiddlewaretoken": hidden(form.text, "csrfmiddlewaretoken"),
        "guide": GUIDE,
        "form_key": hidden(form.text, "form_key"),
        "slot": slot.pk,
        "name": "张明",
        "id_number": "330482198503120127",  # 张明's, typed by someone else
        "phone": "13900000077",  # the stranger's own phone
        "email": "",
        **CONSENT,
    }
    sent = stranger.post(f"{site}/booking/", data={**filled, "send_code": "1"}, timeout=30)
    assert sent.status_code == 200 and "验证码已发送" in sent.text
    (text,) = (json.loads(p.read_text()) for p in (data_dir / "sms").glob("*.json"))
    assert text["phone"] == "13900000077"
    booked = stranger.post(f"{site}/booking/", data={**filled, "phone_code": text["code"]}, timeout=30)
    assert "/booking/done/" in booked.url, booked.text[:2000]
    assert "未实名核验" in booked.text  # typed: unverified until the card is read
    code = booked.url.rstrip("/").rsplit("/", 1)[-1]

    me = requests.Session()
    mine = sign_in(me, site, "idp-zhangming")
    row = re.search(rf"<tr>\s*<td>{code}</td>.*?</tr>", mine.text, re.S)
    assert row and "未核验" in row.group(0)
    token = hidden(mine.text, "csrfmiddlewaretoken")
    asked = me.post(f"{site}/my/bookings/{code}/cancel/", data={"csrfmiddlewaretoken": token}, timeout=30)
    assert asked.status_code == 200 and 'name="confirm" value="1"' in asked.text  # asks once more
    cancelled = me.post(
        f"{site}/my/bookings/{code}/cancel/",
        data={"csrfmiddlewaretoken": hidden(asked.text, "csrfmiddlewaretoken"), "confirm": "1"},
        timeout=30,
    )
    assert cancelled.url == f"{site}/my/bookings/" and "预约已取消" in cancelled.text
    row = re.search(rf"<tr>\s*<td>{code}</td>.*?</tr>", cancelled.text, re.S)
    assert row and "已取消" in row.group(0) and "/cancel/" not in row.group(0)


def test_the_notice_comes_at_first_sign_in_and_declining_signs_nobody_in(site):
    browser = requests.Session()
    login = browser.get(f"{site}/my/bookings/", timeout=30)
    form = {
        "csrfmiddlewaretoken": hidden(login.text, "csrfmiddlewaretoken"),
        "username": "idp-lihua",
        "password": PASSWORD,
        "next": hidden(login.text, "next"),
    }
    notice = browser.post(login.url, data=form, timeout=30)
    assert notice.url == f"{site}/identity/consent/" and "李华" in notice.text
    assert browser.get(f"{site}/my/data.json", timeout=30).url == notice.url  # not in until agreed
    declined = browser.post(
        notice.url, data={"csrfmiddlewaretoken": hidden(notice.text, "csrfmiddlewaretoken"), "agree": "no"}, timeout=30
    )
    assert declined.url == f"{site}/"
    assert "/idp/login/" in browser.get(f"{site}/my/bookings/", timeout=30).url

    agreed = sign_in(requests.Session(), site, "idp-lihua")  # agrees this time
    assert agreed.url == f"{site}/my/bookings/"
    again = sign_in(requests.Session(), site, "idp-lihua")  # once agreed, never asked again
    assert again.url == f"{site}/my/bookings/"


def test_a_signed_in_person_downloads_what_is_held_about_them(site):
    browser = requests.Session()
    sign_in(browser, site, "idp-pinghu-tech")  # a company, by its credit code
    data = browser.get(f"{site}/my/data.json", timeout=30)
    assert data.headers["Content-Type"] == "application/json"
    assert "attachment" in data.headers["Content-Disposition"]
    held = data.json()
    assert held["identity"]["identifier"] == "91330482MA2B3C4D5Y" and held["identity"]["kind"] == "company"
    assert held["consents"] and held["bookings"] == [] and held["applications"] == []


def test_a_callback_without_a_sign_in_started_here_is_refused_with_a_page(client):
    answer = client.get("/identity/callback/", {"code": "made-up", "state": "made-up"})
    assert answer.status_code == 400 and "登录未完成" in answer.content.decode()
    assert "onetrip_identity" not in client.session


def test_an_unreachable_provider_is_a_page_saying_so(client, settings):
    from tests.support.servers import free_port

    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/nobody"  # nothing listens there
    answer = client.get("/identity/sign-in/")
    assert answer.status_code == 503 and "实名认证平台暂时无法访问" in answer.content.decode()
