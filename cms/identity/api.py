"""`POST /api/v1/phone-codes`: text a one-time code to a phone, which a booking then gives as `phone_code`;
`GET /api/v1/privacy-notice`: the personal-information notice a booking or application agrees to as `consent`."""

from ninja import Field, Router, Schema, Status

from cms.core.errors import ErrorBody
from cms.devices.access import WriteAccess
from cms.devices.auth import api_caller
from cms.identity import codes, notice
from cms.personal.masking import mask_phone

router = Router(tags=["identity"])
notice_router = Router(tags=["identity"])


class PhoneCodeIn(Schema):
    phone: str


class PhoneCodeOut(Schema):
    phone: str
    valid_minutes: int


ERRORS = {400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 422: ErrorBody, 429: ErrorBody, 503: ErrorBody}


@router.post("", auth=WriteAccess(), response={202: PhoneCodeOut, **ERRORS})
def send_phone_code(request, payload: PhoneCodeIn):
    """Text a six-digit code to a mobile number; give it as `phone_code` with a booking that types an ID number
    (a *claimed* identity, counted on this phone). Capped per phone, per address or kiosk and per day, one
    send a minute per phone (429 with `Retry-After`); each send also counts toward the caller's booking limits."""
    minutes = codes.send(payload.phone, api_caller(request))
    return Status(202, {"phone": mask_phone(payload.phone), "valid_minutes": minutes})


class NoticeOut(Schema):
    version: str = Field(description="give it as `consent` with a booking or an application")
    text_zh: str = Field(description="what is collected, why and for how long, a point a line")
    text_en: str


@notice_router.get("", response={200: NoticeOut})
def privacy_notice(request):
    """The personal-information notice (PIPL) in both languages. A booking or application by someone not signed
    in must agree to it: `consent` set to this `version` (missing or an older version: 400 on `consent`)."""
    return {"version": notice.NOTICE_VERSION, "text_zh": notice.text("zh-hans"), "text_en": notice.text("en")}
