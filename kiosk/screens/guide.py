"""A guide, readable at arm's length: the 六统一 facts (content, materials, conditions, process, time limit,
fee), where and when, whom to call, a QR code to take it along on a phone, and Book / Apply."""

from pathlib import Path

from kivy.lang import Builder
from kivy.utils import escape_markup

from kiosk.i18n import N_, tr
from kiosk.screens.base import KioskScreen
from kiosk.screens.labels import aside, category_label, labelled, listed
from kiosk.viewmodels.apply import DELIVERY_LABELS

NECESSITY = {"required": N_("Required"), "deferrable": N_("May be supplied later"), "optional": N_("Optional")}
FORMS = {
    "original": N_("original"),
    "copy": N_("copy"),
    "original_and_copy": N_("original and copy"),
    "electronic": N_("electronic"),
}


def _e(text) -> str:
    return escape_markup(str(text or ""))


def _bullet(text: str) -> str:
    # A no-break space: Kivy wraps at spaces, and would leave the bullet alone on its line before CJK text.
    return f"•\u00a0{_e(text)}"


class GuideScreen(KioskScreen):
    # Each section is a function of the guide and the language, so kv re-renders it on either change.

    def facts(self, guide: dict, lang: str) -> str:
        if not guide:
            return ""
        channels = guide.get("channels") or {}
        visits = channels.get("visits", 1)
        lines = [
            tr._("No trip needed")
            if visits == 0
            else tr._("At most one trip")
            if visits == 1
            else tr._("{visits} trips").format(visits=visits),
            tr._("Done on the spot")
            if guide.get("immediate")
            else tr._("Done within {days} working days (the law allows {statutory})").format(
                days=guide.get("committed_days"), statutory=guide.get("statutory_days")
            ),
            self._fee(guide),
            tr._("Apply online or at this kiosk") if channels.get("online") else tr._("Apply at a centre"),
        ]
        return "\n".join(_bullet(line) for line in lines)

    def _fee(self, guide: dict) -> str:
        fees = guide.get("fees") or {}
        if fees.get("free", True) or not fees.get("items"):
            return tr._("Free of charge")
        amounts = sorted({float(i["amount"]) for i in fees["items"]})
        low, high = f"¥{amounts[0]:.2f}", f"¥{amounts[-1]:.2f}"
        return tr._("Fee: {amount}").format(amount=low if low == high else f"{low}–{high}")

    def fees(self, guide: dict, lang: str) -> str:
        fees = guide.get("fees") or {}
        if fees.get("free", True) or not fees.get("items"):
            return ""
        rows = []
        for item in fees["items"]:
            unit = tr.pick(item.get("unit", ""), item.get("unit_en", ""))
            amount = f"¥{item['amount']}"
            if unit:
                amount = tr._("¥{amount} per {unit}").format(amount=item["amount"], unit=unit)
            rows.append(_bullet(labelled(tr.pick(item["name"], item.get("name_en", "")), amount, lang)))
        return "\n".join(rows)

    def conditions(self, guide: dict, lang: str) -> str:
        rows = [_bullet(c) for c in tr.pick(guide.get("conditions") or [], guide.get("conditions_en") or [])]
        prohibitions = tr.pick(guide.get("prohibitions") or [], guide.get("prohibitions_en") or [])
        if prohibitions:  # 禁止性要求: what an applicant must not do, under the conditions
            rows += [f"[b]{_e(tr._('Not allowed'))}[/b]", *(_bullet(p) for p in prohibitions)]
        return "\n".join(rows)

    def materials(self, guide: dict, lang: str) -> str:
        rows = []
        for n, m in enumerate(guide.get("materials") or [], start=1):
            name = _e(tr.pick(m["name"], m.get("name_en", "")))
            if m.get("from_licence_library"):
                note = tr._("fetched from the e-licence library: nothing to bring")
            else:
                form = tr._(FORMS.get(m.get("form"), m.get("form", "")))
                note = f"{tr._(NECESSITY.get(m.get('necessity'), NECESSITY['required']))} · {form}"
                if m.get("copies"):
                    note += " · " + tr._("Copies: {copies}").format(copies=m["copies"])
            remark = tr.pick(m.get("notes", ""), m.get("notes_en", ""))
            if remark:  # when it is not needed, where it is made: what a citizen must know before coming
                note += "\n    " + remark
            rows.append(f"{n}. [b]{name}[/b]\n    {_e(note)}")
        return "\n".join(rows) if rows else _e(tr._("No documents are needed."))

    def steps(self, guide: dict, lang: str) -> str:
        rows = []
        for n, step in enumerate(guide.get("steps") or [], start=1):
            name = _e(tr.pick(step["name"], step.get("name_en", "")))
            days = tr._("{days} working days").format(days=step["days"]) if step.get("days") else tr._("same day")
            actor = tr.pick(step.get("actor", ""), step.get("actor_en", ""))
            rows.append(f"{n}. [b]{name}[/b] — {_e(aside(actor, days, lang))}")
        return "\n".join(rows)

    def result(self, guide: dict, lang: str) -> str:
        result = guide.get("result") or {}
        if not result:
            return ""
        ways = listed((tr._(DELIVERY_LABELS.get(d, d)) for d in result.get("delivery", [])), lang)
        certificate = tr.pick(result["certificate"], result.get("certificate_en", ""))
        rows = [certificate, labelled(tr._("How you get it"), ways, lang)]
        validity = tr.pick(result.get("validity", ""), result.get("validity_en", ""))
        if validity:
            rows.append(labelled(tr._("Valid for"), validity, lang))
        return "\n".join(_e(row) for row in rows)

    def where(self, centres: list[dict], lang: str) -> str:
        rows = []
        for c in centres:
            today = listed(c.get("today") or [], lang) or tr._("closed today")
            rows.append(
                f"[b]{_e(tr.pick(c['name'], c.get('name_en', '')))}[/b]\n"
                f"    {_e(tr.pick(c.get('address', ''), c.get('address_en', '')))} · ☎ {_e(c.get('phone', ''))}\n"
                f"    {_e(labelled(tr._('Today'), today, lang))}"
            )
        return "\n".join(rows)

    def contact(self, guide: dict, lang: str) -> str:
        contact = guide.get("contact") or {}
        phones = listed(contact.get("consultation_phones") or [], lang)
        return _e(
            tr._("Questions: {phones}. Complaints: {complaint}.").format(
                phones=phones, complaint=contact.get("complaint_phone", "12345")
            )
        )

    def subtitle(self, guide: dict, lang: str) -> str:
        if not guide:
            return ""
        category = category_label(guide.get("category", ""), lang)
        department = tr.pick(guide.get("department", ""), guide.get("department_en", ""))
        return f"{category} · {department} · {guide.get('code', '')}"


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
