"""`/api/v1/slots` and `/api/v1/bookings` (DESIGN.md §6). ID numbers travel in the body or the
`X-Id-Number` header, never in a URL; answers show them masked."""

import datetime as dt
import json

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from cms.bookings import services
from cms.bookings.calendar_file import booking_ics
from cms.bookings.models import Booking, Slot
from cms.bookings.qr import qr_svg
from cms.core.caller import ID_HEADER
from cms.core.enums import Language
from cms.core.errors import ErrorBody
from cms.core.etag import etag
from cms.core.idempotency import HEADER, REPLAYED_HEADER, Idempotency
from cms.devices.access import WriteAccess
from cms.devices.auth import api_caller
from cms.identity import codes
from cms.personal.masking import mask_name, mask_phone
from guides import applicants
from guides.enums import WindowCategory
from guides.hours import TZ
from guides.refusal import Refusal, Text

slots_router = Router(tags=["bookings"])
bookings_router = Router(tags=["bookings"])


class SlotOut(Schema):
    id: int
    centre: str
    category: str
    category_slug: str
    start: dt.datetime
    end: dt.datetime
    kind: str
    capacity: int
    remaining: int


class SlotList(Schema):
    items: list[SlotOut]
    count: int


class SlotQuery(Schema):
    guide: str = Field(..., description="guide code; its window category decides the slots")
    centre: str = Field(..., description="centre code")
    date: dt.date = Field(..., description="a date (Asia/Shanghai)")


def slot_body(slot: Slot) -> dict:
    category = WindowCategory(slot.category)
    return {
        "id": slot.pk,
        "centre": slot.centre.code,
        "category": category.value,
        "category_slug": category.slug,
        "start": slot.start.astimezone(TZ).isoformat(),
        "end": slot.end.astimezone(TZ).isoformat(),
        "kind": slot.kind,
        "capacity": slot.capacity,
        "remaining": slot.remaining,
    }


@slots_router.get("", response={200: SlotList, 400: ErrorBody, 404: ErrorBody, 429: ErrorBody})
@etag
def list_slots(request, query: Query[SlotQuery]):
    """Bookable slots of a guide at a centre on a date, inside the booking window, with places left.
    Rate-limited per caller; answers carry an ETag (send `If-None-Match` to get 304 when unchanged)."""
    guide, centre = services.guide_at_centre(query.guide, query.centre)
    items = [slot_body(s) for s in services.open_slots(guide, centre, query.date, api_caller(request))]
    return {"items": items, "count": len(items)}


class BookingIn(Schema):
    slot: int
    guide: str
    name: str
    phone: str
    id_number: str = Field(..., description="citizen ID number or unified social credit code")
    email: str = Field("", description="for the confirmation, reminder and change notices")
    language: str = Field("zh-hans", description="zh-hans or en: the notices' language")
    phone_code: str = Field(
        "", description="the code `POST /api/v1/phone-codes` texted to `phone`: a typed ID number's claim"
    )
    consent: str = Field(
        "",
        description="the `version` of `GET /api/v1/privacy-notice` the person agreed to; needed unless signed in "
        "with consent given (400 on `consent` when missing or outdated)",
    )


class GuideRef(Schema):
    code: str
    name: str
    name_en: str = Field(description="the guide's English name; empty when it has none")


class CentreRef(Schema):
    id: str
    name: str
    name_en: str
    address: str
    address_en: str


class BookingOut(Schema):
    code: str
    status: str
    slot: SlotOut
    guide: GuideRef
    centre: CentreRef
    name: str = Field(description="masked")
    phone: str = Field(description="masked")
    id_number: str = Field(description="masked")
    language: str
    ticket: str | None
    checked_in_at: dt.datetime | None
    qr_svg: str | None = Field(None, description="the booking code as an inline SVG QR code (with `?include=qr`)")
    ics: str | None = Field(None, description="the booking as an iCalendar file (with `?include=ics`)")
    proof: str = Field(
        description="proven (signed in, or the ID card read); claimed or typed (a typed ID number, unverified: "
        "the card is read at check-in)"
    )


class RescheduleIn(Schema):
    slot: int
    id_number: str = ""


# What a booking's answer carries only when asked: drawing a QR code and writing an .ics cost about as much
# as the booking itself, and most callers (the kiosk prints its own) want neither.
INCLUDE = ("qr", "ics")
INCLUDE_DOC = "`qr` and/or `ics`, comma-separated: add the QR code (SVG) and the .ics file to the answer"


def included(include: str) -> frozenset[str]:
    asked = frozenset(part.strip() for part in include.split(",") if part.strip())
    if unknown := sorted(asked - set(INCLUDE)):
        allowed = ", ".join(INCLUDE)
        raise Refusal(
            400,
            "invalid",
            "请检查 include 参数",
            "please check the include parameter",
            {
                "include": Text(
                    f"未知的值 {', '.join(unknown)}；可选 {allowed}", f"unknown {', '.join(unknown)}; use {allowed}"
                )
            },
        )
    return asked


def booking_body(booking: Booking, include: frozenset[str] = frozenset()) -> dict:
    slot, centre = booking.slot, booking.slot.centre
    return {
        "code": booking.code,
        "status": booking.status,
        "slot": slot_body(slot),
        "guide": {"code": booking.guide_code, "name": booking.guide_name, "name_en": booking.guide_name_en},
        "centre": {
            "id": centre.code,
            "name": centre.title,
            "name_en": centre.name_en,
            "address": centre.address,
            "address_en": centre.address_en,
        },
        "name": mask_name(booking.name),
        "phone": mask_phone(booking.phone),
        "id_number": booking.id_masked,
        "language": booking.language,
        "ticket": booking.ticket or None,
        "checked_in_at": booking.checked_in_at.astimezone(TZ).isoformat() if booking.checked_in_at else None,
        "qr_svg": qr_svg(booking.code) if "qr" in include else None,
        "ics": booking_ics(booking) if "ics" in include else None,
        "proof": booking.holder.proof,
    }


def _id_number(request, given: str = "") -> str:
    value = given or request.headers.get(ID_HEADER, "")
    if not value:
        raise Refusal(
            400,
            "invalid",
            "请提供证件号",
            "the ID number is needed",
            {"id_number": Text(f"请在请求体或 {ID_HEADER} 头中提供", f"in the body or the {ID_HEADER} header")},
        )
    return value


def optional_id_number(request) -> str:
    """`id_number` from an optional JSON body (DELETE and check-in may have none)."""
    if request.content_type != "application/json" or not request.body:
        return ""
    try:
        data = json.loads(request.body)
    except ValueError:
        raise Refusal(400, "invalid", "请求体不是有效的 JSON", "the body is not valid JSON") from None
    value = data.get("id_number", "") if isinstance(data, dict) else ""
    return value if isinstance(value, str) else ""


WRITE_ERRORS = {400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody}


@bookings_router.post("", auth=WriteAccess(), response={201: BookingOut, 422: ErrorBody, **WRITE_ERRORS})
def create_booking(
    request, payload: BookingIn, response: HttpResponse, include: str = Query("", description=INCLUDE_DOC)
):
    """Book a slot. Send an `Idempotency-Key` to make retries safe (a replay answers the booking as it is now,
    with `Idempotent-Replayed: true`); kiosks send their device token, the website its CSRF token.
    Rate-limited per caller and per ID number, and throttled while a new day's slots open (429 with
    `Retry-After`)."""
    asked = included(include)
    caller = codes.confirmed(api_caller(request, payload.id_number), payload.phone, payload.phone_code)
    idempotency = Idempotency.of(caller, request.headers.get(HEADER), payload.dict())
    applicant = applicants.applicant(payload.name, payload.id_number, payload.phone, payload.email)
    language = Language.of(payload.language)
    booking, replayed = services.book(
        payload.slot, payload.guide, applicant, caller, language, idempotency, consent=payload.consent
    )
    if replayed:
        response[REPLAYED_HEADER] = "true"
    return Status(201, booking_body(booking, asked))


@bookings_router.get("/{code}", response={200: BookingOut, 400: ErrorBody, 404: ErrorBody, 429: ErrorBody})
def get_booking(request, code: str, include: str = Query("", description=INCLUDE_DOC)):
    """Look a booking up: the ID number goes in the `X-Id-Number` header. Rate-limited per caller, ID number
    and code; a code that sees a few wrong ID numbers locks (429 with `Retry-After`)."""
    asked = included(include)
    return booking_body(services.find(code, api_caller(request, _id_number(request))), asked)


@bookings_router.delete("/{code}", auth=WriteAccess(), response={200: BookingOut, **WRITE_ERRORS})
def cancel_booking(request, code: str, include: str = Query("", description=INCLUDE_DOC)):
    """Cancel, up to the cut-off; the ID number in a JSON body `{"id_number"}` or the `X-Id-Number` header.
    Whoever holds the code and the ID number may cancel, whichever kiosk or browser made the booking."""
    asked = included(include)
    caller = api_caller(request, _id_number(request, optional_id_number(request)))
    return booking_body(services.cancel(services.find(code, caller), caller), asked)


@bookings_router.post("/{code}/reschedule", auth=WriteAccess(), response={200: BookingOut, **WRITE_ERRORS})
def reschedule_booking(request, code: str, payload: RescheduleIn, include: str = Query("", description=INCLUDE_DOC)):
    """Move the booking to another slot (same code), up to the cut-off."""
    asked = included(include)
    caller = api_caller(request, _id_number(request, payload.id_number))
    return booking_body(services.reschedule(services.find(code, caller), payload.slot, caller), asked)
