"""QR codes as PNG bytes (segno), for the screen and for printed tickets."""

import io

import segno


def qr_png(data: str, scale: int = 8, dark: str = "#000000", light: str = "#ffffff") -> bytes:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=scale, border=2, dark=dark, light=light)
    return buffer.getvalue()
