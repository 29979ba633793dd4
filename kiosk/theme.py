"""Colours and text size, switchable at any time: large text (×1.3) and high contrast (yellow on black).

kv rules read `app.theme.<colour>` and multiply sizes by `app.theme.scale`, so both switches restyle
every screen at once.
"""

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty

NORMAL = {
    "bg": "#eef2f7",
    "surface": "#ffffff",
    "text": "#1b2430",
    "muted": "#5a6675",
    "primary": "#1f4e9e",
    "primary_text": "#ffffff",
    "accent": "#d9480f",
    "accent_text": "#ffffff",
    "secondary": "#dde5f0",
    "secondary_text": "#1b2430",
    "ok": "#2b8a3e",
    "danger": "#c92a2a",
    "border": "#c5cfdb",
    "header": "#163a78",
    "header_text": "#ffffff",
}
CONTRAST = {
    "bg": "#000000",
    "surface": "#000000",
    "text": "#ffffff",
    "muted": "#ffff66",
    "primary": "#ffff00",
    "primary_text": "#000000",
    "accent": "#ffff00",
    "accent_text": "#000000",
    "secondary": "#000000",
    "secondary_text": "#ffff00",
    "ok": "#66ff66",
    "danger": "#ff6666",
    "border": "#ffffff",
    "header": "#000000",
    "header_text": "#ffff00",
}
LARGE = 1.3


class Theme(EventDispatcher):
    large = BooleanProperty(False)
    contrast = BooleanProperty(False)
    scale = NumericProperty(1.0)
    mark = StringProperty(NORMAL["accent"])  # colour of matched words in search results (markup)
    bg = ColorProperty(NORMAL["bg"])
    surface = ColorProperty(NORMAL["surface"])
    text = ColorProperty(NORMAL["text"])
    muted = ColorProperty(NORMAL["muted"])
    primary = ColorProperty(NORMAL["primary"])
    primary_text = ColorProperty(NORMAL["primary_text"])
    accent = ColorProperty(NORMAL["accent"])
    accent_text = ColorProperty(NORMAL["accent_text"])
    secondary = ColorProperty(NORMAL["secondary"])
    secondary_text = ColorProperty(NORMAL["secondary_text"])
    ok = ColorProperty(NORMAL["ok"])
    danger = ColorProperty(NORMAL["danger"])
    border = ColorProperty(NORMAL["border"])
    header = ColorProperty(NORMAL["header"])
    header_text = ColorProperty(NORMAL["header_text"])

    def on_large(self, instance, large: bool) -> None:
        self.scale = LARGE if large else 1.0

    def on_contrast(self, instance, contrast: bool) -> None:
        palette = CONTRAST if contrast else NORMAL
        for name, value in palette.items():
            setattr(self, name, value)
        self.mark = palette["accent"] if not contrast else "#00ffff"

    def reset(self) -> None:
        self.large = False
        self.contrast = False
