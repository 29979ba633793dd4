"""The booking code as a QR code (segno), for the kiosk's scanner."""

import io

import segno
from django.utils.translation import gettext


def _qr(code: str) -> segno.QRCode:
    return segno.make_qr(code, error="m")


def qr_svg(code: str, scale: int = 5) -> str:
    """An inline <svg> element, titled in the active language."""
    return _qr(code).svg_inline(scale=scale, title=gettext("Booking code: %(code)s") % {"code": code})


def qr_png(code: str, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    _qr(code).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
