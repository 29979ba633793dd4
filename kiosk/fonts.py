"""The CJK font every label uses. Kivy's own font has no Chinese glyphs, so without one the kiosk
would show empty boxes: find one at start-up or refuse to start, saying what to install."""

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


def _covers_chinese(path: Path) -> bool:
    """True if the font draws the probe characters (fc-match answers with any font when none fits)."""
    from PIL import ImageFont

    try:
        font = ImageFont.truetype(str(path), 24)
    except OSError:
        return False
    try:
        missing = font.getmask("\U000f0000").getbbox()  # a private-use character: the font's "missing" box
    except (OSError, ValueError):
        missing = None
    return all(font.getmask(ch).getbbox() not in (None, missing) for ch in PROBE)


def find_cjk_font(configured: str = "") -> Path:
    """The font to use: the configured one (which must work), else the first usable candidate."""
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise FontMissing(f"The configured font {path} does not exist. / 设置的字体文件不存在：{path}")
        if not _covers_chinese(path):
            raise FontMissing(f"The configured font {path} has no Chinese glyphs. / 设置的字体不含中文字形：{path}")
        return path
    tried = []
    for candidate in [*CANDIDATES, _fontconfig()]:
        if not candidate or candidate in tried:
            continue
        tried.append(candidate)
        path = Path(candidate)
        if path.is_file() and _covers_chinese(path):
            return path
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
