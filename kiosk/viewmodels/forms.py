"""Checks of what a citizen typed, before anything is sent: each returns an error for the field (our
msgid, or the identifier checker's bilingual message) or None. The rules are the server's own
(`guides.applicants`); only the words are the kiosk's."""

from guides import applicants
from guides.identifiers import IdentifierError, validate_id_number, validate_identifier, validate_uscc
from kiosk.i18n import N_

ID_CHARACTERS = "0123456789X"  # a resident ID number: 17 digits and a check digit or X
USCC_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # a unified social credit code: no I, O, S, V, Z


def error(msgid: str = "", text: str = "") -> dict:
    return {"msgid": msgid, "text": text}


def field_message(errors: dict, name: str) -> tuple[str, dict, str]:
    """(msgid, args, server text) for `tr.message(*…)` in kv."""
    found = errors.get(name) or {}
    return found.get("msgid", ""), {}, found.get("text", "")


def check_identifier(value: str, kind: str = "any") -> tuple[str, dict | None]:
    """The canonical identifier and None, or the value as typed and an error. kind: person, company, any."""
    if not value.strip():
        return value, error(N_("Please enter the ID number."))
    check = {"person": validate_id_number, "company": validate_uscc}.get(kind, validate_identifier)
    try:
        return check(value), None
    except IdentifierError as exc:
        return value, error(text=str(exc))


def check_name(value: str) -> dict | None:
    if not value.strip():
        return error(N_("Please enter the name."))
    try:
        applicants.check_name(value)
    except applicants.FieldError:
        return error(N_("The name is too long."))  # not empty, so too long
    return None


def check_phone(value: str) -> dict | None:
    if not value.strip():
        return error(N_("Please enter a phone number."))
    try:
        applicants.check_phone(value)
    except applicants.FieldError:
        return error(N_("Please enter an 11-digit mobile number or a landline number with its area code."))
    return None


def check_address(value: str) -> dict | None:
    if len(value.strip()) < 8:
        return error(N_("Please enter the full delivery address."))
    return None


def check_required(value: str, msgid: str) -> dict | None:
    return None if value.strip() else error(msgid)
