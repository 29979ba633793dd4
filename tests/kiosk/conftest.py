"""Kiosk tests: the real Kivy window, headless (SDL's offscreen driver, no display), and a live CMS.

`KIVY_GL_BACKEND=mock` is not used: it silently drops graphics tests. Rendering goes through Mesa's
software OpenGL instead, so the widgets lay out and draw as on a kiosk.
"""

import os

os.environ["SDL_VIDEODRIVER"] = "offscreen"  # before Kivy is imported, anywhere in this process
os.environ.setdefault("KIVY_METRICS_DENSITY", "1")

import gc
import shutil

import pytest
from kiosk_cms import CmsServer

from kiosk.settings import Settings
from tests.support.database import drop

WIDTH, HEIGHT = 1280, 800


@pytest.fixture(scope="session")
def font():
    from kiosk import fonts

    path = fonts.find_cjk_font()
    fonts.register(path)
    return path


@pytest.fixture(scope="session")
def window(font):
    """The one Kivy window of this process, made once and kept (Kivy cannot make a second)."""
    from kiosk.__main__ import configure_kivy

    configure_kivy(Settings(width=WIDTH, height=HEIGHT))
    from kivy.core.window import Window

    return Window


@pytest.fixture(scope="session")
def cms(tmp_path_factory, database_template):
    """A live CMS for the whole session, with a kiosk device token for the city centre."""
    data_dir = tmp_path_factory.mktemp("cms")
    server = CmsServer(data_dir, database_template.copy("kiosk", data_dir))
    server.token = server.create_token("kiosk-tests", centre="city")
    server.start()
    yield server
    server.stop()
    if database_template.postgres:
        drop(server.database_url)


@pytest.fixture(scope="session")
def synced_data(cms, tmp_path_factory):
    """A kiosk data folder synced once from the CMS (catalogue, index, pinyin lexicon), for copying."""
    from kiosk.services import open_services

    data = tmp_path_factory.mktemp("kiosk-synced")
    settings = kiosk_settings(cms, data)
    services = open_services(settings, font=None)
    try:
        services.syncer.sync_once()
        assert services.catalogue.synced, "the first sync failed"
        services.ime.load(services.catalogue_words())
    finally:
        services.stop()
    return data


def kiosk_settings(cms, data_dir, **changes) -> Settings:
    defaults = {
        "cms_url": cms.url,
        "device_token": cms.token,
        "centre": "city",
        "data_dir": data_dir,
        "sync_interval": 0.5,
        "read_timeout": 10.0,
        "width": WIDTH,
        "height": HEIGHT,
    }
    return Settings(**(defaults | changes))


@pytest.fixture
def make_kiosk(window, font, cms, synced_data, tmp_path):
    """Start the kiosk app in this process (on a copy of the synced data); stop it after the test."""
    from kiosk_driver import Driver
    from kivy.lang.parser import global_idmap

    from kiosk.app import KioskApp

    started = []

    def start(synced: bool = True, **changes):
        """A kiosk on a copy of the synced data (`synced`), or on `data_dir` as it is; settings `changes`."""
        for driver in started:
            driver.stop()
        data = changes.pop("data_dir", None) or tmp_path / f"kiosk-{len(started)}"
        if synced:
            shutil.copytree(synced_data, data)
        # kv's `app` caches the first app it sees (Kivy expects one per process): make it find this one.
        object.__setattr__(global_idmap["app"], "_obj", None)
        app = KioskApp(kiosk_settings(cms, data, **changes), font)
        app._run_prepare()  # build, put the root in the window, on_start: App.run() without its loop
        driver = Driver(app)
        started.append(driver)
        driver.frames(3)
        return driver

    yield start
    for driver in started:
        driver.stop()
    object.__setattr__(global_idmap["app"], "_obj", None)
    gc.collect()  # the old widgets go, and with them their bindings to the translator
