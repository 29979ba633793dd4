"""Holding against an attacker (issue 15): each test sends what an attacker sent and fails on the code
that let it through."""

import io
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from PIL import Image

from cms.applications.models import Application
from tests.cms.test_applications import (
    company,
    delivery_for,
    form_of,
    post_api,
    raw_multipart,
    upload,
)
from tests.support.servers import gunicorn

pytestmark = pytest.mark.django_db

API = "/api/v1/applications"
EIGHT_MATERIALS = "330482-TZ-006"  # the guide asking for the most files


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.APPLICATION_FILES_DIR = tmp_path / "application-files"


def white_png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (255, 255, 255)).save(out, "PNG")
    return out.getvalue()


# ---- 1. image uploads cannot take the site down ---------------------------------------------------


@pytest.fixture(scope="module")
def flood_png() -> bytes:
    return white_png(6300, 6300)  # ~130 KB, 40 megapixels


def flood_request(png: bytes) -> tuple[bytes, str]:
    form = form_of(EIGHT_MATERIALS)
    assert len(form.asked) == 8
    fields = {"guide": EIGHT_MATERIALS, **company(), **delivery_for(form)}
    return raw_multipart(fields, [(m.field, f"scan{n}.png", png) for n, m in enumerate(form.asked)])


def test_a_flood_of_large_images_is_refused_from_their_headers(client, flood_png):
    body, content_type = flood_request(flood_png)
    client.get(f"{API}/forms/{EIGHT_MATERIALS}")  # warm: the first request imports and compiles
    started = time.perf_counter()
    response = client.post(API, data=body, content_type=content_type)
    took = time.perf_counter() - started
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "pixel_flood"
    assert "像素过多" in error["message"] and "too many pixels" in error["message"]
    assert took < 1, took  # nothing was decoded (before: 15 s and 580 MB for this request)
    assert not Application.objects.exists()


def test_images_within_each_files_cap_are_refused_over_the_requests_budget(client, settings):
    settings.APPLICATION_IMAGE_MAX_PIXELS, settings.APPLICATION_IMAGE_TOTAL_PIXELS = 1_000_000, 2_000_000
    form = form_of(EIGHT_MATERIALS)
    fields = form.asked[:3]
    data = {"guide": EIGHT_MATERIALS, **company(), **delivery_for(form)}
    data.update({m.field: upload(f"{n}.png", white_png(1000, 900)) for n, m in enumerate(fields)})
    response = post_api(client, data)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "pixel_budget"
    assert "合计像素过多" in error["message"] and "together have too many pixels" in error["message"]


@pytest.mark.timeout(180)
def test_concurrent_image_floods_are_refused_while_the_home_page_answers(database_url, tmp_path, flood_png):
    form = form_of(EIGHT_MATERIALS)
    fields = {"guide": EIGHT_MATERIALS, **company(), **delivery_for(form)}
    files = {m.field: (f"scan{n}.png", flood_png) for n, m in enumerate(form.asked)}

    def submit(url: str) -> tuple[int, float, str]:
        """The website's form, as a browser sends it: its CSRF cookie and token, eight files."""
        with requests.Session() as session:
            session.get(f"{url}/apply/{EIGHT_MATERIALS}/", timeout=60).raise_for_status()
            data = {**fields, "csrfmiddlewaretoken": session.cookies["csrftoken"]}
            started = time.perf_counter()
            response = session.post(f"{url}/apply/{EIGHT_MATERIALS}/", data=data, files=files, timeout=60)
            return response.status_code, time.perf_counter() - started, response.text

    def home(url: str) -> float:
        started = time.perf_counter()
        requests.get(f"{url}/", timeout=60).raise_for_status()
        return time.perf_counter() - started

    with gunicorn(database_url, tmp_path, workers=3) as url, ThreadPoolExecutor(4) as pool:
        list(pool.map(home, [url] * 8))  # warm every worker: a first request imports and compiles
        floods = [pool.submit(submit, url) for _ in range(3)]
        time.sleep(0.2)  # the three are being answered
        page = pool.submit(home, url)
        answers = [f.result() for f in floods]
        home_seconds = page.result()
    assert [status for status, _, _ in answers] == [400, 400, 400], [a[:2] for a in answers]
    assert all("图片像素过多" in text for _, _, text in answers)
    assert max(seconds for _, seconds, _ in answers) < 1, [a[:2] for a in answers]  # before: 12–16 s each
    assert home_seconds < 2, home_seconds  # before: 31 s, every worker killed by its timeout
