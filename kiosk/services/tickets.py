"""Printed tickets (booking confirmation, queue ticket, application receipt) as PNG files, 576 dots wide
(an 80 mm thermal roll at 203 dpi), in both languages. With `print_command` set (e.g. `lp -d ticket
{file}`) the file is printed and then removed; without, the file in data_dir/tickets is the ticket.

Tickets show only masked personal data.
"""

import io
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from guides import clock
from kiosk.services.qr import qr_png

WIDTH = 576
MARGIN = 24


class PrintFailed(Exception):
    """The print command failed or is missing; the message says how."""


@dataclass
class Ticket:
    kind: str  # booking, queue, receipt: part of the file name
    title: str  # "预约凭证 Booking confirmation"
    code: str  # printed large
    lines: list[str] = field(default_factory=list)
    qr: str = ""  # data for a QR code under the code


# What a line may break before: a Latin word with the space before it, or any one other character (CJK).
_PIECES = re.compile(r" *[0-9A-Za-z'’.,:;!?()/@&+-–·*#]+| +|.")


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Lines of at most `width`, broken between words (never inside an English one) or between CJK
    characters; a word longer than a whole line alone is cut."""
    lines, current = [], ""
    for piece in _PIECES.findall(text):
        if draw.textlength(current + piece, font=font) <= width:
            current += piece
            continue
        if current:
            lines.append(current)
        current = piece.lstrip()
        while draw.textlength(current, font=font) > width:  # one word wider than the slip
            fits = (n for n in range(len(current), 0, -1) if draw.textlength(current[:n], font=font) <= width)
            cut = next(fits, 1)
            lines.append(current[:cut])
            current = current[cut:]
    return [*lines, current] if current else lines


def render(ticket: Ticket, font_path: Path) -> bytes:
    title_font = ImageFont.truetype(str(font_path), 30)
    code_font = ImageFont.truetype(str(font_path), 64)
    body_font = ImageFont.truetype(str(font_path), 24)
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    rows: list[tuple[str, object, int]] = [("最多跑一次 · OneTrip", body_font, 34), (ticket.title, title_font, 44)]
    rows.append((ticket.code, code_font, 80))
    for line in ticket.lines:
        rows += [(part, body_font, 32) for part in _wrap(probe, line, body_font, WIDTH - 2 * MARGIN)]
    qr = Image.open(io.BytesIO(qr_png(ticket.qr, scale=6))).convert("L") if ticket.qr else None
    height = MARGIN * 2 + sum(h for _, _, h in rows) + (qr.height + 16 if qr else 0) + 40
    image = Image.new("L", (WIDTH, height), 255)
    draw = ImageDraw.Draw(image)
    y = MARGIN
    for text, font, h in rows:
        draw.text((MARGIN, y), text, font=font, fill=0)
        y += h
        if font is code_font and qr is not None:
            image.paste(qr, ((WIDTH - qr.width) // 2, y + 8))
            y += qr.height + 16
    draw.text((MARGIN, y + 8), printed_at(), font=body_font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def printed_at() -> str:
    """When the slip is printed, in the centre's time (Asia/Shanghai), whatever the kiosk's own zone."""
    return clock.now().strftime("%Y-%m-%d %H:%M")


class TicketPrinter:
    def __init__(self, directory: Path, command: str, font_path: Path):
        self.directory, self.command, self.font_path = directory, command, font_path
        self.directory.mkdir(parents=True, exist_ok=True)

    def print(self, ticket: Ticket) -> Path:
        """Write the ticket file and, with a print command, print it (and remove the file)."""
        path = self.directory / f"{ticket.kind}-{ticket.code}.png"
        path.write_bytes(render(ticket, self.font_path))
        if not self.command:
            return path
        argv = [part.replace("{file}", str(path)) for part in shlex.split(self.command)]
        if "{file}" not in self.command:
            argv.append(str(path))
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)  # noqa: S603
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PrintFailed(f"{argv[0]}: {exc}") from exc
        if done.returncode != 0:
            raise PrintFailed(f"{argv[0]} exited with {done.returncode}: {done.stderr.strip()[:200]}")
        path.unlink(missing_ok=True)
        return path
