"""One guide from the local catalogue, kept current while it is open (the sync reports changes)."""

from kivy.properties import BooleanProperty, DictProperty, ListProperty, StringProperty

from kiosk.services.sync import today
from kiosk.viewmodels.base import ViewModel


class GuideViewModel(ViewModel):
    code = StringProperty("")
    guide = DictProperty({}, rebind=True)  # rebind: kv reads guide.get(…)
    withdrawn = BooleanProperty(False)  # it was unpublished while on screen
    url = StringProperty("")  # for the QR code
    centres = ListProperty([])  # the centres that handle it, as cached (name, address, phone, hours)

    def open(self, code: str) -> None:
        self.code = code
        self.reload()

    def reload(self) -> None:
        guide = self.services.catalogue.guide(self.code) if self.code else None
        self.withdrawn = guide is None and bool(self.code)
        self.guide = guide or {}
        self.url = self.services.guide_url(guide) if guide else ""
        self.centres = self._centres(guide) if guide else []

    def _centres(self, guide: dict) -> list[dict]:
        rows = []
        for code in guide.get("centres") or []:
            centre = self.services.catalogue.centre(code)
            if centre is None:
                continue
            rows.append({**centre, "today": self._today(code, guide["category"])})
        # The kiosk's own centre first.
        rows.sort(key=lambda c: c["id"] != self.services.settings.centre)
        return rows

    def _today(self, centre: str, category: str) -> list[str]:
        """Today's opening periods for the category, as "08:30–12:00" strings (empty: closed today)."""
        hours = self.services.catalogue.hours(centre) or {}
        for day in hours.get("items", []):
            if day["date"] != today().isoformat():
                continue
            for cat in day.get("categories", []):
                if cat["category"] == category:
                    return [f"{p['start'][11:16]}–{p['end'][11:16]}" for p in cat.get("periods", [])]
        return []

    def changed(self, codes: set[str], centres: bool) -> None:
        if self.code and (self.code in codes or centres):
            self.reload()

    def wipe(self) -> None:
        super().wipe()
        self.code, self.guide, self.withdrawn, self.url, self.centres = "", {}, False, "", []
