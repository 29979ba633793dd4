"""The kiosk's own gettext domain `kiosk`: every string of its Python and .kv files is in the catalogs
and translated into Chinese, the .kv extractor finds them, Babel compiles them."""

import io
import shutil

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from kiosk.babel_kv import extract_kv
from kiosk.i18n import LOCALE_DIR, compiled_catalog, split_bilingual
from kiosk.settings import ROOT


def source_msgids() -> set[str]:
    with (ROOT / "kiosk" / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {"_": None, "N_": None}
    return {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords=keywords
        )
    }


def catalog(lang: str):
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "kiosk.po").open("rb") as f:
        return read_po(f, locale=lang)


def test_every_interface_string_is_in_the_catalogs_and_translated():
    ids = source_msgids()
    assert len(ids) > 100
    assert "Search for a service (Chinese, pinyin or initials)" in ids  # from a .kv file
    assert "Please enter the ID number." in ids  # marked with N_ in Python
    with (LOCALE_DIR / "kiosk.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    assert ids <= template, f"run the extraction (kiosk/babel.cfg): missing {sorted(ids - template)[:5]}"
    zh = catalog("zh_Hans")
    untranslated = [i for i in ids if not (zh.get(i) and zh.get(i).string)]
    assert not untranslated, f"untranslated in zh_Hans: {untranslated[:5]}"
    assert not [m.id for m in zh if m.fuzzy and m.id]
    for message in zh:  # placeholders survive translation
        if message.id and "{" in message.id:
            assert sorted(_placeholders(message.id)) == sorted(_placeholders(message.string)), message.id
    assert ids <= {m.id for m in catalog("en")}


def _placeholders(text: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


@pytest.mark.parametrize(
    ("kv", "found"),
    [
        ('    text: tr._("Search")\n', ["Search"]),
        ("    text: tr._('It\\'s here')\n", ["It's here"]),
        ('    text: tr._("A") + " " + tr._("B")\n', ["A", "B"]),
        ('    text: tr._("{count} found").format(count=n)\n', ["{count} found"]),
        ("    text: root.vm.name\n", []),
        ("    text: tr.pick(a, b)\n", []),
    ],
)
def test_kv_extractor(kv, found):
    messages = [m for _, _, m, _ in extract_kv(io.BytesIO(kv.encode()), ["_"], [], {})]
    assert messages == found


def test_catalogs_compile_with_babel(tmp_path):
    folder = tmp_path / "zh_Hans" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "kiosk.po", folder)
    translations = compiled_catalog("zh_Hans", tmp_path)
    assert (folder / "kiosk.mo").is_file()  # compiled because it was missing
    assert translations.gettext("Search") == "搜索"
    assert translations.gettext("{count} services").format(count=3) == "3 个事项"


@pytest.mark.parametrize(
    ("message", "lang", "shown"),
    [
        (
            "该时段已约满，请另选时段 / this slot is fully booked; please choose another",
            "zh_Hans",
            "该时段已约满，请另选时段",
        ),
        (
            "该时段已约满，请另选时段 / this slot is fully booked; please choose another",
            "en",
            "this slot is fully booked; please choose another",
        ),
        ("only one language", "en", "only one language"),
    ],
)
def test_server_messages_show_in_the_interface_language(message, lang, shown):
    assert split_bilingual(message, lang) == shown
