"""Interface language: gettext domain `kiosk`, catalogs in locale/<lang>/LC_MESSAGES/kiosk.po, compiled by
Babel into kiosk.mo (at start-up, when the .mo is missing or older than the .po).

In .kv files write `text: tr._("Search")` (or `tr.pick(zh, en)` for a bilingual pair of fields,
`tr.message(…)` for a view-model's message): the kv compiler binds to `tr._`, so every such text is
re-evaluated when the language switches, on every screen, open or not. Python code marks strings it
keeps for later with `N_("…")` and translates them where it shows them.
"""

import gettext
import io
import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from kivy.event import EventDispatcher
from kivy.properties import StringProperty

from kiosk.settings import LANGUAGES, ROOT

log = logging.getLogger(__name__)

LOCALE_DIR = ROOT / "locale"
DOMAIN = "kiosk"


def N_(message: str) -> str:
    return message


def compiled_catalog(lang: str, locale_dir: Path = LOCALE_DIR) -> gettext.NullTranslations:
    """The language's catalog, compiling kiosk.po to kiosk.mo first if the .mo is missing or stale."""
    folder = locale_dir / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if not po.is_file():
        raise FileNotFoundError(f"no {DOMAIN} catalog for {lang}: {po} is missing")
    if not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime:
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        try:
            tmp = mo.with_suffix(".mo.tmp")
            tmp.write_bytes(buffer.getvalue())
            tmp.replace(mo)
        except OSError as exc:  # a read-only checkout: use the catalog compiled in memory
            log.warning("cannot write %s (%s); using the catalog compiled in memory", mo, exc)
            return gettext.GNUTranslations(io.BytesIO(buffer.getvalue()))
    with mo.open("rb") as f:
        return gettext.GNUTranslations(f)


def split_bilingual(message: str, lang: str) -> str:
    """The server's messages read "中文 / English": the half for `lang` (the whole if it has no halves)."""
    zh, sep, en = message.partition(" / ")
    if not sep:
        return message
    return en.strip() if lang == "en" else zh.strip()


class _Arguments(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_TRANSLATING = frozenset({"_", "pick", "message"})


class Translator(EventDispatcher):
    """`tr._(msgid)` in the current language; `tr.lang` to switch, and to bind language-dependent text."""

    lang = StringProperty("")

    def __init__(self, **kwargs):
        self._observers: dict[int, tuple] = {}
        self._next_uid = 1
        self._catalogs: dict[str, gettext.NullTranslations] = {}
        self._catalog: gettext.NullTranslations = gettext.NullTranslations()
        super().__init__(**kwargs)

    def _(self, message: str) -> str:
        return self._catalog.gettext(message) if message else ""

    def pick(self, zh: str, en: str = "") -> str:
        """A bilingual field pair (name / name_en): English when switched to English and there is some."""
        return en if self.lang == "en" and en else zh

    def message(self, msgid: str, args: dict | None = None, server: str = "") -> str:
        """A view-model's message: our msgid with its arguments, else the server's bilingual one."""
        if msgid:
            # An argument not set yet shows as its placeholder rather than failing the whole screen.
            return self._(msgid).format_map(_Arguments(args or {}))
        return split_bilingual(server, self.lang) if server else ""

    def on_lang(self, instance, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
        if lang not in self._catalogs:
            self._catalogs[lang] = compiled_catalog(lang)
        self._catalog = self._catalogs[lang]
        for uid, (func, args) in list(self._observers.items()):
            try:
                func(args, None, None)
            except ReferenceError:  # the widget that bound it is gone
                self._observers.pop(uid, None)

    # The kv compiler binds `tr._(...)` and `tr.pick(...)` through fbind(name, fn, args) and unbinds by
    # the uid it returned: keep those callbacks and call them on every switch.
    def fbind(self, name, func, *args, **kwargs):
        if name not in _TRANSLATING:
            return super().fbind(name, func, *args, **kwargs)
        uid, self._next_uid = self._next_uid, self._next_uid + 1
        self._observers[uid] = (func, args[0] if len(args) == 1 else args)
        return uid

    def unbind_uid(self, name, uid):
        if name not in _TRANSLATING:
            return super().unbind_uid(name, uid)
        self._observers.pop(uid, None)
        return None


tr = Translator()
