"""`POST /api/v1/phone-codes`: text a one-time code to a phone, which a booking then gives as `phone_code`."""

from ninja import Router, Schema, Status

from cms.core.errors import ErrorBody
from cms.devices.access import WriteAccess
from cms.devices.auth import api_caller
from cms.identity import codes
from cms.personal.masking import mask_phone

router = Router(tags=["identity"])


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
