"""One guide from the local catalogue, kept current while it is open (the sync reports changes)."""

from kivy.properties import BooleanProperty, DictProperty, ListProperty, StringProperty

from kiosk.services.sync import today
from kiosk.viewmodels.base import ViewModel


def opening_spans(periods: list[dict]) -> list[tuple[str, str]]:
    """The citizen's view of a day: when the windows are open, as ("HH:MM", "HH:MM") spans. The service marks
    each period with the rule that opens it (regular, staggered over midday, extended into the evening), so
    08:30–12:00, 12:00–12:30 and 12:30–17:00 follow each other; a citizen reads one period, 08:30–17:00."""
    spans: list[list[str]] = []
    for period in sorted(periods, key=lambda p: p["start"]):
        start, end = period["start"][11:16], period["end"][11:16]
        if spans and spans[-1][1] >= start:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return [(start, end) for start, end in spans]


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
        """Today's opening periods for the category, as "08:30–17:00" strings (empty: closed today)."""
        hours = self.services.catalogue.hours(centre) or {}
        for day in hours.get("items", []):
            if day["date"] != today().isoformat():
                continue
            for cat in day.get("categories", []):
                if cat["category"] == category:
                    return [f"{start}–{end}" for start, end in opening_spans(cat.get("periods", []))]
        return []

    def changed(self, codes: set[str], centres: bool) -> None:
        if self.code and (self.code in codes or centres):
            self.reload()

    def wipe(self) -> None:
        super().wipe()
        self.code, self.guide, self.withdrawn, self.url, self.centres = "", {}, False, "", []
