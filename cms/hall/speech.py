"""The hall's spoken call, made on the server so the display does not depend on its PC having a Chinese voice:
"请 F 0 1 2 号到 3 号窗口" in Mandarin, then "Number F 0 1 2, please go to window 3" in English, as one WAV.

`Engine` is the small interface (text and a language in, WAV bytes out); `Espeak` drives espeak-ng, offline
(Debian's `espeak-ng`, voices `cmn` and `en`). Clips are cached under `HALL_SPEECH_DIR`, one per ticket and
window: a recall replays the same file."""

import io
import os
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path
from typing import Protocol

from django.conf import settings

from cms.centres.models import CentrePage
from cms.hall.models import Ticket
from guides import clock
from guides.hours import TZ
from guides.refusal import Refusal

WORDING = "v1"  # part of each cached clip's name: change it when the words change
PAUSE_SECONDS = 0.6  # between the Mandarin and the English


class Engine(Protocol):
    def wav(self, text: str, language: str) -> bytes:
        """The text spoken in `language` ("zh" or "en") as a WAV file's bytes."""


def unavailable() -> Refusal:
    return Refusal(
        503, "speech_unavailable", "服务器未安装语音引擎（espeak-ng）", "no speech engine (espeak-ng) on the server"
    )


class Espeak:
    VOICES = {"zh": "cmn", "en": "en"}

    def __init__(self, command: str = "espeak-ng"):
        self.command = command

    def wav(self, text: str, language: str) -> bytes:
        program = shutil.which(self.command)
        if program is None:
            raise unavailable()
        done = subprocess.run(  # noqa: S603 — no shell; the text is ours (a ticket number and a window)
            [program, "-v", self.VOICES[language], "-s", "150", "--stdout", text],
            capture_output=True,
            timeout=20,
            check=False,
        )
        if done.returncode != 0 or not done.stdout.startswith(b"RIFF"):
            raise unavailable()
        return done.stdout


def engine() -> Engine:
    return Espeak(settings.HALL_SPEECH_COMMAND)


def words(ticket: str, window: int) -> dict[str, str]:
    """What is said, as the display writes it: the ticket letter by letter and digit by digit, as halls call."""
    spelled = " ".join(ticket)
    return {
        "zh": f"请 {spelled} 号到 {window} 号窗口",
        "en": f"Number {spelled}, please go to window {window}",
    }


def _join(clips: list[bytes]) -> bytes:
    """One WAV of the clips one after another with a pause between (espeak-ng speaks every voice at one rate)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as joined:
        for n, clip in enumerate(clips):
            with wave.open(io.BytesIO(clip)) as part:
                if n == 0:
                    joined.setparams(part.getparams())
                    silence = b"\0" * int(part.getframerate() * PAUSE_SECONDS) * part.getsampwidth()
                else:
                    joined.writeframes(silence)
                # espeak-ng's header on stdout gives no true length: reading "all of them" reads what is there
                joined.writeframes(part.readframes(part.getnframes()))
    return out.getvalue()


def call_audio(ticket: str, window: int, speaker: Engine | None = None) -> Path:
    """The call's clip, made once and kept (a file name of our own making: ticket and window are checked)."""
    folder = Path(settings.HALL_SPEECH_DIR)
    path = folder / f"{WORDING}-{ticket}-{window}.wav"
    if path.exists():
        return path
    speaker = speaker or engine()
    said = words(ticket, window)
    data = _join([speaker.wav(said["zh"], "zh"), speaker.wav(said["en"], "en")])
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as part:
        part.write(data)
    os.replace(part.name, path)  # whole or not at all, whichever worker made it
    return path


def clip_for_call(centre: CentrePage, ticket: str, window: int, now=None) -> Path:
    """The clip of a call the display has shown: only for a ticket called today at that window of the centre,
    so the address answers nothing the display does not (public: a ticket number and a window)."""
    today = (now or clock.now()).astimezone(TZ).date()
    called = Ticket.objects.filter(
        centre=centre, date=today, number=ticket, counter__number=window, called_at__isnull=False
    ).exists()
    if not called:
        raise Refusal(404, "not_found", "今天没有这次叫号", "no such call today")
    return call_audio(ticket, window)
