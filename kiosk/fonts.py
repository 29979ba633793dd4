"""The CJK font every label uses. Kivy's own font has no Chinese glyphs, so without one the kiosk
would show empty boxes: find one at start-up or refuse to start, saying what to install. Not only Chinese:
the font must draw every symbol the interface uses (✕, ☎, ¥, …), or a citizen sees a box where the
close mark was; `SYMBOLS` lists them and a test keeps it complete."""

import shutil
import subprocess
from pathlib import Path

# Preferred first: WenQuanYi Micro Hei is small, complete for GB 18030 and in Debian (fonts-wqy-microhei).
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
PROBE = "办事指南最多跑一次"
# Every character of the interface's own texts (.kv, Python, catalogs) that is neither ASCII nor a CJK
# ideograph: tests/kiosk/test_kiosk_services.py fails when a new one is used and not listed here.
SYMBOLS = "¥§·×–—’•…→▶◀☎✕、。（），：；？"


class FontMissing(Exception):
    """No usable CJK font: the kiosk must not start showing empty boxes."""


def _fontconfig() -> str | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        found = subprocess.run(  # noqa: S603 — fixed arguments, no shell
            [fc_match, "--format=%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=5, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return found or None


def missing_glyphs(path: Path, text: str) -> str:
    """The characters of `text` the font cannot draw (all of them if it cannot be read)."""
    from PIL import ImageFont

    try:
        font = ImageFont.truetype(str(path), 24)
    except OSError:
        return text
    try:
        missing = font.getmask("\U000f0000").getbbox()  # a private-use character: the font's "missing" box
    except (OSError, ValueError):
        missing = None
    return "".join(ch for ch in text if font.getmask(ch).getbbox() in (None, missing))


def _covers_chinese(path: Path) -> bool:
    """True if the font draws the probe characters (fc-match answers with any font when none fits)."""
    return not missing_glyphs(path, PROBE)


def _lacks_symbols(path: Path, symbols: str) -> str:
    """What a font with Chinese still cannot draw of the interface's symbols, as a sentence; "" if none."""
    lacking = missing_glyphs(path, symbols)
    if not lacking:
        return ""
    named = " ".join(f"{ch} (U+{ord(ch):04X})" for ch in lacking)
    return f"The font {path} cannot draw {named}. / 字体 {path} 缺少这些符号：{named}"


def find_cjk_font(configured: str = "", symbols: str = SYMBOLS) -> Path:
    """The font to use: the configured one (which must work), else the first usable candidate. Usable: it
    draws Chinese and every one of `symbols`."""
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise FontMissing(f"The configured font {path} does not exist. / 设置的字体文件不存在：{path}")
        if not _covers_chinese(path):
            raise FontMissing(f"The configured font {path} has no Chinese glyphs. / 设置的字体不含中文字形：{path}")
        if lacking := _lacks_symbols(path, symbols):
            raise FontMissing(lacking)
        return path
    tried, lacking = [], []
    for candidate in [*CANDIDATES, _fontconfig()]:
        if not candidate or candidate in tried:
            continue
        tried.append(candidate)
        path = Path(candidate)
        if path.is_file() and _covers_chinese(path):
            if not (problem := _lacks_symbols(path, symbols)):
                return path
            lacking.append(problem)
    if lacking:
        raise FontMissing(
            "\n".join(lacking) + "\nInstall a font that has them (Debian/Ubuntu: `apt-get install fonts-wqy-microhei`)"
            " or set `font` in the kiosk settings."
        )
    raise FontMissing(
        "No font with Chinese glyphs was found, so the kiosk cannot show Chinese text.\n"
        "未找到中文字体，自助终端无法显示中文。\n"
        "Install one (Debian/Ubuntu: `apt-get install fonts-wqy-microhei`) or set `font` in the kiosk settings.\n"
        f"Looked at: {', '.join(tried)}"
    )


def register(path: Path) -> None:
    """Make the CJK font Kivy's default, so every Label and text field uses it."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    LabelBase.register(DEFAULT_FONT, str(path))
