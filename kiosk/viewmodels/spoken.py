"""What the header's "Read aloud" says on each screen, built from an explicit list of safe parts (headings, a
guide's name and materials, a booking's time and place), never by reading the labels on screen: a citizen's
name, ID number, phone and booking code must never be said aloud in a public hall.
"""

from kiosk.i18n import N_, tr
from kiosk.screens.labels import day_label, slot_label
from kiosk.viewmodels.booking import to_bring

# What each screen is called aloud, when nothing more is safe to say on it.
HEADINGS = {
    "home": N_("OneTrip self-service"),
    "search": N_("Search"),
    "booking": N_("Book an appointment"),
    "apply": N_("Apply"),
    "status": N_("Application status"),
    "checkin": N_("Check in"),
    "apply_done": N_("Your application is received"),
    "cancel": N_("Cancel this booking?"),
    "reschedule": N_("Change the time"),
    "supplement": N_("Supply the missing documents"),
}


def spoken_text(screen: str, vms: dict) -> str:
    """The words read aloud on `screen`, in the current language, from its safe parts only."""
    parts: list[str] = []
    if screen == "guide":
        guide = vms["guide"].guide
        parts.append(_name(guide))
        materials = guide.get("materials") or []
        if materials:
            parts.append(tr._("Documents to bring"))
            parts += [tr.pick(m["name"], m.get("name_en", "")) for m in materials]
    elif screen == "booking_done":
        vm = vms["booking"]
        parts += [tr._("You are booked"), _name(vm.guide)]
        if vm.booking:
            slot = vm.booking["slot"]
            parts.append(f"{day_label(slot['start'], tr.lang, year=True)} {slot_label(slot)}")
        if vm.booked_centre:
            centre = vm.booked_centre
            parts.append(tr.pick(centre["name"], centre.get("name_en", "")))
            parts.append(tr.pick(centre.get("address", ""), centre.get("address_en", "")))
        materials = to_bring(vm.guide)
        if materials:
            parts.append(tr._("Please bring:"))
            parts += [tr.pick(m["name"], m.get("name_en", "")) for m in materials]
    else:
        parts.append(tr._(HEADINGS.get(screen, HEADINGS["home"])))
    separator = "。" if tr.lang == "zh_Hans" else ". "
    return separator.join(p.strip().rstrip("。.:：") for p in parts if p and p.strip())


def _name(guide: dict) -> str:
    return tr.pick(guide.get("name", ""), guide.get("name_en", "")) if guide else ""
