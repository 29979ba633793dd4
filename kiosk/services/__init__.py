"""Services: the only parts of the kiosk that touch the network or the disk (DESIGN.md §2).

View-models get one `Services` and call into it; long calls run on `pool`, never on the screen's thread.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.services.api import ApiClient
from kiosk.services.catalogue import Catalogue
from kiosk.services.idcard import CardReader, open_reader
from kiosk.services.ime import PinyinInput
from kiosk.services.outbox import Outbox
from kiosk.services.scanner import Scanner
from kiosk.services.search import LocalSearch
from kiosk.services.sender import Sender
from kiosk.services.sync import Syncer
from kiosk.services.tickets import TicketPrinter
from kiosk.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    api: ApiClient
    catalogue: Catalogue
    search: LocalSearch
    outbox: Outbox
    syncer: Syncer
    sender: Sender
    scanner: Scanner
    printer: TicketPrinter
    ime: PinyinInput
    card_reader: CardReader | None = None  # settings `card_reader`; None: the forms are typed
    pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(4, thread_name_prefix="kiosk-call"))

    def phone(self, guide: dict | None = None) -> str:
        """Whom to call when the service is unreachable: this centre, else the item's line, else the hotline."""
        centre = self.catalogue.centre(self.settings.centre) if self.settings.centre else None
        if centre and centre.get("phone"):
            return centre["phone"]
        phones = ((guide or {}).get("contact") or {}).get("consultation_phones") or []
        return phones[0] if phones else self.settings.hotline

    def guide_url(self, guide: dict) -> str:
        """The guide on the public site, for the QR code (settings `public_url` replaces the CMS's host)."""
        url = guide.get("url", "")
        if self.settings.public_url and url:
            from urllib.parse import urlsplit

            return self.settings.public_url.rstrip("/") + urlsplit(url).path
        return url

    def start(self) -> None:
        self.syncer.start()
        self.sender.start()
        self.pool.submit(self._load_ime)

    def _load_ime(self) -> None:
        self.ime.load(self.catalogue_words())

    def catalogue_words(self) -> list[str]:
        words = []
        for g in self.catalogue.all_guides():
            words += [g["name"], *(g.get("keywords") or [])]
        return words

    def stop(self) -> None:
        self.syncer.stop()
        self.sender.stop()
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.api.close()
        if self.card_reader is not None:
            self.card_reader.close()
        self.outbox.close()
        self.catalogue.close()


def open_services(settings: Settings, font: Path, **callbacks) -> Services:
    """Everything under settings.data_dir; callbacks: on_change, on_online (sync) and on_sent (outbox)."""
    data = settings.data_dir
    data.mkdir(parents=True, exist_ok=True)
    api = ApiClient(
        settings.cms_url,
        settings.device_token,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
    )
    catalogue = Catalogue(data / "catalogue.sqlite3")
    search = LocalSearch(data / "search-index", catalogue)
    outbox = Outbox(data / "outbox")
    return Services(
        settings=settings,
        api=api,
        catalogue=catalogue,
        search=search,
        outbox=outbox,
        syncer=Syncer(
            api,
            catalogue,
            search,
            interval=settings.sync_interval,
            on_change=callbacks.get("on_change", lambda changed: None),
            on_online=callbacks.get("on_online", lambda online: None),
        ),
        sender=Sender(api, outbox, on_sent=callbacks.get("on_sent", lambda entry: None)),
        scanner=Scanner(settings.scans, data / "staging"),
        printer=TicketPrinter(settings.tickets, settings.print_command, font),
        ime=PinyinInput(data / "pinyin-lexicon.json"),
        card_reader=_card_reader(settings.card_reader),
    )


def _card_reader(setting: str) -> CardReader | None:
    try:
        return open_reader(setting)
    except OSError as exc:  # unplugged: the kiosk still works, the forms are typed
        log.error("the ID card reader %s cannot be opened: %s", setting, exc)
        return None
