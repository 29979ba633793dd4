"""Applying at the kiosk: the form comes from the guide itself (its applicant kinds, materials and
delivery options), documents come from the scanner, and the application goes into the outbox, so the
citizen gets a local receipt at once, online or not. The citizen first agrees to the personal-information
notice (kiosk/viewmodels/consent.py; kept with the catalogue, so offline too).

Materials: from_licence_library ones are fetched by the government (shown, never asked); those the
government provides at the window are shown too; the applicant's own are scanned. A deferrable (容缺)
one may be left out: the application is then accepted pending supplement.
"""

from kivy.clock import Clock
from kivy.properties import DictProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.i18n import N_, tr
from kiosk.services.scanner import ScanRefused
from kiosk.services.tickets import Ticket
from kiosk.viewmodels.consent import ConsentViewModel
from kiosk.viewmodels.forms import check_address, check_identifier, check_name, check_phone, error

SCAN_WAIT = 120.0  # seconds the kiosk waits for the scanner before giving up
SCAN_POLL = 0.5
WAITING = N_("Place the document on the scanner and press its scan button.")
SCAN_TIMEOUT = N_("No scan arrived. Please try again, or ask the staff for help.")
SCAN_REFUSED = {
    "too_large": N_("The scan is too large (more than 10 MB). Please scan again at a lower resolution."),
    "not_a_document": N_("The scanner sent a file that is not a PDF, JPEG or PNG. Please scan again."),
}
MISSING = N_("Please scan this document, or ask the staff for help.")
PRINTED = N_("Please take your slip.")
PRINT_FAILED = N_("The receipt could not be printed. Please note the receipt number.")
DELIVERY_LABELS = {
    "pickup": N_("Pick up at a centre"),
    "express": N_("Express delivery"),
    "electronic": N_("Electronic certificate"),
}


class ApplyViewModel(ConsentViewModel):
    guide = DictProperty({}, rebind=True)  # rebind: kv reads guide.get(…)
    applicant_types = ListProperty([])  # person, company
    applicant_type = StringProperty("person")
    name = StringProperty("")
    id_number = StringProperty("")
    phone = StringProperty("")
    contact = StringProperty("")  # a company's contact person
    deliveries = ListProperty([])
    delivery = StringProperty("")
    centres = ListProperty([])
    centre = StringProperty("")
    address = StringProperty("")
    materials = ListProperty([])  # rows: index, name, name_en, necessity, notes, kind, state, file, thumbnails
    scanning = NumericProperty(-1)  # the material row waiting for the scanner
    scan_message = StringProperty("")
    errors = DictProperty({}, rebind=True)
    entry = ObjectProperty(None, allownone=True, rebind=True)  # the outbox entry, once submitted
    notice = StringProperty("")  # msgid: the receipt printed, or not

    def __init__(self, services, **kwargs):
        super().__init__(services, **kwargs)
        self._scans: dict[int, object] = {}
        self._poll = None
        self._waited = 0.0

    def start(self, guide: dict) -> None:
        self.wipe()
        self.guide = guide
        self.load_notice()
        kinds = {"citizen": ["person"], "company": ["company"]}.get(guide.get("service_object"), ["person", "company"])
        self.applicant_types, self.applicant_type = kinds, kinds[0]
        express = (guide.get("channels") or {}).get("express", False)
        options = [
            d
            for d in (guide.get("result") or {}).get("delivery", [])
            if d in DELIVERY_LABELS and (d != "express" or express)
        ]
        self.deliveries = options or ["pickup"]
        self.delivery = self.deliveries[0]
        catalogue = self.services.catalogue
        self.centres = [c for c in (catalogue.centre(code) for code in guide.get("centres") or []) if c]
        own = self.services.settings.centre
        self.centre = (
            own if any(c["id"] == own for c in self.centres) else (self.centres[0]["id"] if self.centres else "")
        )
        self.materials = [self._row(n, m) for n, m in enumerate(guide.get("materials") or [])]

    @staticmethod
    def _row(index: int, material: dict) -> dict:
        if material.get("from_licence_library"):
            kind = "library"
        elif material.get("source") == "government":
            kind = "window"
        else:
            kind = "scan"
        required = material.get("necessity", "required") == "required"
        return {
            "index": index,
            "field": f"material_{index + 1}",  # the API numbers a guide's materials from 1
            "name": material["name"],
            "name_en": material.get("name_en", ""),
            "necessity": material.get("necessity", "required"),
            "notes": material.get("notes", ""),
            "notes_en": material.get("notes_en", ""),
            "kind": kind,
            "state": "missing" if kind == "scan" else "provided",
            "file": "",
            "thumbnails": [],  # the scan's pages, small
            # the case in which the citizen cannot have it (a lost card): they may say so instead of scanning
            "not_needed_when": material.get("not_needed_when", "") if kind == "scan" and required else "",
            "not_needed_when_en": material.get("not_needed_when_en", ""),
        }

    def _set_row(self, index: int, **changes) -> None:
        rows = list(self.materials)
        rows[index] = {**rows[index], **changes}
        self.materials = rows

    # --- scanning --------------------------------------------------------------------------------------

    def scan(self, index: int) -> None:
        self.stop_scan()
        self.services.scanner.begin()
        self.scanning, self.scan_message, self._waited = index, WAITING, 0.0
        self._poll = Clock.schedule_interval(self._check_scanner, SCAN_POLL)

    def _check_scanner(self, dt) -> None:
        self._waited += dt
        try:
            scan = self.services.scanner.poll()
        except ScanRefused as refused:
            self.stop_scan(SCAN_REFUSED[refused.reason])
            return
        if scan is not None:
            index = self.scanning
            if index in self._scans:
                self.services.scanner.discard(self._scans[index])
            self._scans[index] = scan
            self._set_row(
                index,
                state="scanned",
                file=f"{scan.name} · {max(1, scan.size // 1024)} KB",
                thumbnails=[str(p) for p in scan.thumbnails],
            )
            self.errors = {k: v for k, v in self.errors.items() if k != self.materials[index]["field"]}
            self.stop_scan()
        elif self._waited >= SCAN_WAIT:
            self.stop_scan(SCAN_TIMEOUT)

    def stop_scan(self, message: str = "") -> None:
        if self._poll is not None:
            self._poll.cancel()
            self._poll = None
        self.scanning, self.scan_message = -1, message

    def not_needed(self, index: int) -> None:
        """The citizen says the material's case applies (a lost card), or takes it back: no scan then; the
        service accepts the application without it and the window checks the case."""
        if self.materials[index]["state"] == "not_needed":
            self._set_row(index, state="missing")
            return
        self.remove(index)
        self._set_row(index, state="not_needed")
        self.errors = {k: v for k, v in self.errors.items() if k != self.materials[index]["field"]}

    def remove(self, index: int) -> None:
        scan = self._scans.pop(index, None)
        if scan is not None:
            self.services.scanner.discard(scan)
        self._set_row(index, state="missing", file="", thumbnails=[])

    # --- submitting ------------------------------------------------------------------------------------

    def validate(self) -> tuple[dict, list] | None:
        errors = {}
        identifier, problem = check_identifier(self.id_number, self.applicant_type)
        checks = {
            "id_number": problem,
            "name": check_name(self.name),
            "phone": check_phone(self.phone),
            "contact": check_name(self.contact) if self.applicant_type == "company" else None,
            "address": check_address(self.address) if self.delivery == "express" else None,
        }
        errors |= {field: problem for field, problem in checks.items() if problem}
        files, not_needed = [], []
        for row in self.materials:
            if row["kind"] != "scan":
                continue
            scan = self._scans.get(row["index"])
            if scan is not None:
                files.append((row["field"], scan.path, scan.name, scan.content_type))
            elif row["state"] == "not_needed":
                not_needed.append(row["field"])
            elif row["necessity"] == "required":  # a deferrable one left out: accepted pending supplement
                errors[row["field"]] = error(MISSING)
        consent = self.consent_version(errors)
        self.errors = errors
        if errors:
            return None
        company = self.applicant_type == "company"
        fields = {
            "guide": self.guide["code"],
            "applicant_kind": self.applicant_type,
            "name": self.name.strip(),
            "uscc" if company else "id_number": identifier,
            "phone": self.phone.strip(),
            "delivery": self.delivery,
            "language": "en" if tr.lang == "en" else "zh-hans",
            "consent": consent,
        }
        fields |= {f"{field}_not_needed": "1" for field in not_needed}
        if company:
            fields["contact_name"] = self.contact.strip()
        if self.delivery == "pickup":
            fields["centre"] = self.centre
        elif self.delivery == "express":
            fields["address"] = self.address.strip()
        return fields, files

    def submit(self, done=lambda entry: None) -> None:
        checked = self.validate()
        if checked is None:
            return
        fields, files = checked
        guide, outbox = self.guide, self.services.outbox

        def queued(entry) -> None:
            self.entry = entry
            for scan in self._scans.values():  # the outbox has its own copies now
                self.services.scanner.discard(scan)
            self._scans.clear()
            self.services.sender.wake()
            done(entry)

        identifier = fields.get("uscc") or fields["id_number"]  # a company's is its credit code
        self.run(lambda: outbox.add("application", guide, fields, files, identifier), queued)

    def refresh_entry(self) -> None:
        """The sender finished with an entry: show this one's new state."""
        if self.entry is not None:
            self.entry = self.services.outbox.get(self.entry.receipt)

    def print_receipt(self) -> None:
        entry = self.entry
        ticket = Ticket(
            kind="receipt",
            title="受理回执 Application receipt",
            code=entry.shown_receipt,
            lines=[
                f"{entry.guide_name}",
                "凭本回执号和证件号查询办理进度 / Look up the progress with this receipt and your ID number",
            ],
            qr=entry.shown_receipt,
        )

        def failed(exc) -> bool:
            self.notice = PRINT_FAILED
            return True

        self.run(lambda: self.services.printer.print(ticket), lambda path: setattr(self, "notice", PRINTED), failed)

    def wipe(self) -> None:
        super().wipe()
        self.stop_scan()
        self.services.scanner.wipe()
        self._scans.clear()
        self.guide, self.applicant_types, self.applicant_type = {}, [], "person"
        self.name = self.id_number = self.phone = self.contact = self.address = ""
        self.deliveries, self.delivery, self.centres, self.centre = [], "", [], ""
        self.materials, self.errors, self.entry, self.notice = [], {}, None, ""
