"""Home: search, the seven window categories, my booking, my application, check-in."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty

from guides.enums import WindowCategory
from kiosk.screens.base import KioskScreen
from kiosk.widgets import KButton


class CategoryTile(KButton):
    category = StringProperty("")
    category_en = StringProperty("")
    count = NumericProperty(0)  # guides of the window category in the local catalogue


class TicketTile(KButton):
    """A walk-in's queue number (取号), in the eighth cell of the windows' grid."""


class HomeScreen(KioskScreen):
    def on_kv_post(self, base_widget):
        self.tiles = {}
        for category in WindowCategory:
            tile = CategoryTile(category=category.value, category_en=category.label_en)
            self.tiles[category.value] = tile
            self.ids.categories.add_widget(tile)
        self.ids["take_ticket"] = TicketTile()
        self.ids.categories.add_widget(self.ids["take_ticket"])

    def refresh(self) -> None:
        counts = self.app.services.catalogue.category_counts()
        for category, tile in self.tiles.items():
            tile.count = counts.get(category, 0)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
