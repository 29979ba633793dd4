"""Status lookup: a booking code or a receipt (the server's, or this kiosk's local one) + the ID number."""

import datetime as dt
from pathlib import Path

from kivy.lang import Builder
from kivy.utils import escape_markup

from kiosk.i18n import N_, tr
from kiosk.screens.base import KioskScreen
from kiosk.screens.labels import day_label, labelled, slot_label
from kiosk.viewmodels.changes import CHANGEABLE

BOOKING_STATUS = {
    "booked": N_("Booked"),
    "checked_in": N_("Checked in"),
    "cancelled": N_("Cancelled"),
    "no_show": N_("Missed"),
    "needs_rebooking": N_("Please book another time: the centre is closed then"),
}
APPLICATION_STATUS = {
    "submitted": N_("Submitted"),
    "accepted": N_("Accepted"),
    "accepted_pending_supplement": N_("Accepted; documents to supply later"),
    "supplement_overdue": N_("Documents to supply are overdue"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "delivered": N_("Delivered"),
}
LOCAL_STATE = {
    "pending": N_("Waiting on this kiosk to be sent (the service cannot be reached yet)"),
    "sent": N_("Sent to the service"),
    "rejected": N_("Not accepted by the service"),
}


def _e(text) -> str:
    return escape_markup(str(text or ""))


def _status(status: str) -> str:
    return tr._(APPLICATION_STATUS[status]) if status in APPLICATION_STATUS else status


def booking_details(b: dict) -> str:
    """A booking as the status and cancel screens show it (markup): code, status, service, time and place."""
    status = tr._(BOOKING_STATUS.get(b.get("status", ""), b.get("status", "")))
    lines = [
        f"[b]{_e(tr._('Booking'))} {_e(b['code'])}[/b] · {_e(status)}",
        _e(tr.pick(b["guide"]["name"], b["guide"].get("name_en", ""))),
        f"{_e(day_label(b['slot']['start'], tr.lang, year=True))} {_e(slot_label(b['slot']))}",
        _e(tr.pick(b["centre"]["name"], b["centre"].get("name_en", ""))),
        _e(tr.pick(b["centre"].get("address", ""), b["centre"].get("address_en", ""))),
    ]
    if b.get("ticket"):
        lines.append(f"[b]{_e(labelled(tr._('Queue number'), b['ticket'], tr.lang))}[/b]")
    return "\n".join(lines)


class StatusScreen(KioskScreen):
    def on_pre_enter(self, *args) -> None:
        # Back from a change, or after one: the result is shown, nothing to type.
        self.activate(None if self.vm.kind else self.ids.code)

    def changeable(self, kind: str, result: dict) -> bool:
        return kind == "booking" and result.get("status") in CHANGEABLE

    def pad_enter(self) -> None:
        if self.active_field is self.ids.id_number:
            self.vm.lookup()
        else:
            super().pad_enter()

    def details(self, kind: str, result: dict, remote: dict, lang: str) -> str:
        if kind == "booking":
            return self._booking(result)
        if kind == "application":
            return self._application(result)
        if kind == "local":
            return self._local(result, remote)
        return ""

    def _booking(self, b: dict) -> str:
        return booking_details(b)

    def _application(self, a: dict) -> str:
        lines = [f"[b]{_e(tr._('Application'))} {_e(a.get('receipt', ''))}[/b] · {_e(_status(a.get('status', '')))}"]
        guide = a.get("guide") or {}
        lines.append(_e(tr.pick(guide.get("name", ""), guide.get("name_en", ""))))
        if a.get("reason"):
            lines.append(_e(tr.message("", None, a["reason"])))
        if a.get("supplement_deadline"):
            lines.append(f"{_e(tr._('Supply the missing documents by'))} {_e(a['supplement_deadline'])}")
        if a.get("due_date"):
            lines.append(f"{_e(tr._('Due by'))} {_e(a['due_date'])}")
        tracking = (a.get("delivery") or {}).get("tracking_number")
        if tracking:
            lines.append(_e(labelled(tr._("Express tracking number"), tracking, tr.lang)))
        for event in a.get("history") or []:
            when = str(event.get("at") or "")[:16].replace("T", " ")
            lines.append(f"•\u00a0{_e(when)} {_e(_status(event.get('to', '')))}")
        return "\n".join(lines)

    def _local(self, e: dict, remote: dict) -> str:
        created = dt.datetime.fromtimestamp(e["created_at"]).strftime("%Y-%m-%d %H:%M")
        lines = [
            f"[b]{_e(tr._('Application'))} {_e(e['receipt'])}[/b] · {_e(tr._(LOCAL_STATE[e['state']]))}",
            _e(tr.pick(e["guide_name"], e["guide_name_en"])),
            _e(labelled(tr._("Handed in at this kiosk"), created, tr.lang)),
        ]
        if e["server_receipt"]:
            label = labelled(tr._("Receipt number of the service"), "", tr.lang)
            lines.append(f"{_e(label)}[b]{_e(e['server_receipt'])}[/b]")
        if e["error"]:
            lines.append(_e(tr.message("", None, e["error"])))
        if remote:
            lines += self._application(remote).split("\n")[1:]
        return "\n".join(lines)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
