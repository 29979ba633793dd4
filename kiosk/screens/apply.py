"""Apply: the form generated from the guide, documents from the scanner, then the local receipt."""

from pathlib import Path

from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import DictProperty, ObjectProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from kiosk.i18n import N_, tr
from kiosk.screens.base import KioskScreen
from kiosk.screens.consent import ConsentBox  # noqa: F401 — its kv rule, used by this screen's kv
from kiosk.screens.labels import labelled
from kiosk.viewmodels.apply import DELIVERY_LABELS
from kiosk.widgets import KButton

APPLICANT_LABELS = {"person": N_("A person"), "company": N_("A company")}


class MaterialRow(BoxLayout):
    row = DictProperty({}, rebind=True)
    screen = ObjectProperty(None)

    def on_kv_post(self, base_widget):
        self._thumbnails()
        self.bind(row=self._thumbnails)

    def _thumbnails(self, *args) -> None:
        """What was scanned, page by page: the citizen sees it is the right document, the right way up."""
        box = self.ids.thumbnails
        box.clear_widgets()
        for path in self.row.get("thumbnails", []):
            # nocache: a citizen's document must not stay in Kivy's texture cache once the row is gone
            box.add_widget(
                Image(
                    source=path,
                    nocache=True,
                    size_hint=(None, None),
                    size=(dp(80), dp(80)),
                    fit_mode="contain",
                    pos_hint={"center_y": 0.5},
                )
            )


class ApplyScreen(KioskScreen):
    def on_kv_post(self, base_widget):
        self.vm.bind(
            applicant_types=self._choices,
            applicant_type=self._choices,
            deliveries=self._choices,
            delivery=self._choices,
            centres=self._choices,
            centre=self._choices,
            materials=self._materials,
        )
        tr.bind(lang=self._choices)
        # Built on first use, after the view-model was started: show what it already holds.
        self._choices()
        self._materials()

    def on_pre_enter(self, *args) -> None:
        self.activate(self.ids.name)

    def _choice_row(self, box, options: list[tuple[str, str]], current: str, choose, width: float) -> None:
        box.clear_widgets()
        for value, label in options:
            box.add_widget(
                KButton(
                    text=label,
                    role="choice",
                    selected=value == current,
                    size_hint_x=None,
                    width=dp(width),
                    on_release=lambda b, v=value: choose(v),
                )
            )

    def _choices(self, *args) -> None:
        vm = self.vm
        types = [(t, tr._(APPLICANT_LABELS[t])) for t in vm.applicant_types] if len(vm.applicant_types) > 1 else []
        self._choice_row(self.ids.applicant_types, types, vm.applicant_type, self._set_type, 240)
        deliveries = [(d, tr._(DELIVERY_LABELS[d])) for d in vm.deliveries]
        self._choice_row(self.ids.deliveries, deliveries, vm.delivery, lambda v: setattr(vm, "delivery", v), 300)
        centres = (
            [(c["id"], tr.pick(c["name"], c.get("name_en", ""))) for c in vm.centres] if vm.delivery == "pickup" else []
        )
        self._choice_row(self.ids.centres, centres, vm.centre, lambda v: setattr(vm, "centre", v), 340)

    def _set_type(self, kind: str) -> None:
        self.vm.applicant_type = kind
        self.vm.id_number = ""
        self.activate(self.ids.name)

    def _materials(self, *args) -> None:
        box = self.ids.materials
        box.clear_widgets()
        for row in self.vm.materials:
            box.add_widget(MaterialRow(row=row, screen=self))

    def badge(self, row: dict, lang: str) -> str:
        if row.get("kind") == "library":
            return tr._("Fetched from the e-licence library: nothing to scan")
        if row.get("kind") == "window":
            return tr._("Provided at the window")
        necessity = {
            "required": tr._("Required"),
            "deferrable": tr._("May be supplied later"),
            "optional": tr._("Optional"),
        }[row.get("necessity", "required")]
        if row.get("state") == "scanned":
            return f"{necessity} · {labelled(tr._('Scanned'), row.get('file', ''), lang)}"
        return necessity


class ApplyDoneScreen(KioskScreen):
    def heading(self, entry, lang: str) -> str:
        """Received only once the service has it: until then it is handed in here, waiting to be sent."""
        if entry is None:
            return ""
        if entry.state == "sent":
            return tr._("Application received")
        if entry.state == "rejected":
            return tr._("Application not accepted")
        return tr._("Application handed in: waiting to be sent")

    def state(self, entry, lang: str) -> str:
        if entry is None:
            return ""
        if entry.state == "sent" and entry.server_receipt == entry.receipt:
            return tr._("Sent to the service")
        if entry.state == "sent":
            return tr._("Received by the service. Its receipt number is {receipt}.").format(
                receipt=entry.server_receipt
            )
        if entry.state == "rejected":
            return tr._("The service could not accept this application: {reason}").format(
                reason=tr.message("", None, entry.last_error)
            )
        return tr._("Saved on this kiosk. It will be sent as soon as the service can be reached; nothing more to do.")


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
