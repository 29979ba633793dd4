"""Who applies or books: the one set of rules for names, phone numbers, e-mail addresses and identifiers,
used by bookings, applications and the kiosk alike (pure Python: the kiosk checks before it sends).

Each rule returns the canonical value or raises `FieldError` with the field's message in both languages;
`applicant()` gathers every problem of a whole form into one `Refusal`, each on its field.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from email_validator import EmailNotValidError
from email_validator import validate_email as _validate_email

from guides.identifiers import IdentifierError, validate_id_number, validate_identifier, validate_uscc
from guides.refusal import Refusal, Text

_MOBILE_OR_LANDLINE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


class ApplicantKind(StrEnum):
    PERSON = "person"  # a citizen: resident ID number
    COMPANY = "company"  # a company or organisation: unified social credit code


class FieldError(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(zh, en)
        self.text = Text(zh, en)


def clean_text(value) -> str:
    """Whitespace runs as one space, ends trimmed (what people type into forms)."""
    return " ".join(str(value or "").split())


def check_name(value, kind: ApplicantKind = ApplicantKind.PERSON) -> str:
    name = clean_text(value)
    if kind == ApplicantKind.COMPANY:
        if not 2 <= len(name) <= 100:
            raise FieldError("企业名称为2至100个字", "a company name of 2 to 100 characters")
    elif not 1 <= len(name) <= 50:
        raise FieldError("姓名为1至50个字", "a name of 1 to 50 characters")
    return name


def check_phone(value) -> str:
    """An 11-digit mobile (with or without +86) or a landline with its area code."""
    phone = re.sub(r"[\s()]", "", str(value or "")).removeprefix("+86")
    if not _MOBILE_OR_LANDLINE.match(phone):
        raise FieldError("请填写11位手机号或带区号的固定电话", "an 11-digit mobile or a landline with area code")
    return phone


def check_email(value) -> str:
    """An e-mail address in its normalised form, or "" when none is given (it is always optional)."""
    email = str(value or "").strip()
    if not email:
        return ""
    try:
        # Syntax only: whether the domain takes mail is not ours to decide at a form (and needs the network).
        return _validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        raise FieldError("邮箱格式不正确", "not an e-mail address") from None


def check_identifier(value, kind: ApplicantKind | None = None) -> tuple[ApplicantKind, str]:
    """(kind, canonical identifier): a resident ID number (a person), a unified social credit code (a
    company), or, with `kind` None, whichever the value is."""
    try:
        if kind == ApplicantKind.COMPANY:
            return kind, validate_uscc(str(value or ""))
        if kind == ApplicantKind.PERSON:
            return kind, validate_id_number(str(value or ""))
        canonical = validate_identifier(str(value or ""))
    except IdentifierError as error:
        raise FieldError(error.zh, error.en) from None
    try:
        validate_id_number(canonical)
    except IdentifierError:
        return ApplicantKind.COMPANY, canonical
    return ApplicantKind.PERSON, canonical


@dataclass(frozen=True)
class Applicant:
    """Validated details of whoever books or applies; `identifier` is canonical (ID number or USCC)."""

    kind: ApplicantKind
    name: str
    identifier: str
    phone: str
    email: str = ""
    contact_name: str = ""  # a company's contact person


def invalid(fields: dict[str, Text]) -> Refusal:
    return Refusal(400, "invalid", "请检查填写的信息", "please check the details given", fields)


def applicant(
    name,
    identifier,
    phone,
    email="",
    kind: ApplicantKind | None = None,
    contact_name=None,
    identifier_field: str = "id_number",
) -> Applicant:
    """The applicant from form values, or a Refusal naming every wrong field.

    A booking passes no `kind` (the identifier decides; `name` is whoever comes). An application names the
    kind, and a company's application gives its contact person (`contact_name`), with `name` its own.
    """
    fields: dict[str, Text] = {}

    def take(field: str, rule, *args):
        try:
            return rule(*args)
        except FieldError as error:
            fields[field] = error.text
            return None

    kind, canonical = take(identifier_field, check_identifier, identifier, kind) or (kind, "")
    is_company_form = kind == ApplicantKind.COMPANY and contact_name is not None
    checked_name = take("name", check_name, name, ApplicantKind.COMPANY if is_company_form else ApplicantKind.PERSON)
    checked_phone = take("phone", check_phone, phone)
    checked_email = take("email", check_email, email)
    contact = clean_text(contact_name) if is_company_form else ""
    if is_company_form and not 1 <= len(contact) <= 50:
        fields["contact_name"] = Text("请填写联系人", "the contact person is needed")
    if fields:
        raise invalid(fields)
    return Applicant(kind or ApplicantKind.PERSON, checked_name, canonical, checked_phone, checked_email, contact)
