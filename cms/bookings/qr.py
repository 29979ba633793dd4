"""The booking code as a QR code (segno), for the kiosk's scanner."""

import io

import segno


def _qr(code: str) -> segno.QRCode:
    return segno.make_qr(code, error="m")


def qr_svg(code: str, scale: int = 5) -> str:
    """An inline <svg> element."""
    return _qr(code).svg_inline(scale=scale, title=f"预约码 {code}")


def qr_png(code: str, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    _qr(code).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
