"""Reading aloud, offline: one small `Speaker` interface, and espeak-ng behind it (a better voice replaces it
by implementing `say` and `stop`). What is read is chosen by `kiosk.viewmodels.spoken`.
"""

import logging
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

VOICES = {"zh_Hans": "cmn", "en": "en"}


class Speaker(Protocol):
    def say(self, text: str, lang: str, done: Callable[[], None]) -> None:
        """Start speaking `text` in `lang` (a kiosk language) and return; `done()` runs (on any thread)
        when it has finished or was stopped."""

    def stop(self) -> None:
        """Stop speaking now."""


class EspeakSpeaker:
    """espeak-ng as a child process, waited for on a thread of its own so the screen never waits.
    `wav`: write the speech to that file instead of the sound card (a kiosk without speakers, tests)."""

    def __init__(self, command: str = "espeak-ng", wav: Path | None = None):
        self.command, self.wav = command, wav
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def say(self, text: str, lang: str, done: Callable[[], None]) -> None:
        self.stop()
        args = [self.command, "-v", VOICES.get(lang, "en"), "-s", "150"]
        if self.wav is not None:
            args += ["-w", str(self.wav)]
        with self._lock:
            try:
                process = subprocess.Popen([*args, "--", text], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603 (a list, no shell)
            except OSError:
                log.exception("cannot start %s", self.command)
                done()
                return
            self._process = process

        def wait() -> None:
            _, error = process.communicate()
            if process.returncode not in (0, -15):  # -15: stopped
                log.error("%s failed: %s", self.command, error.decode(errors="replace").strip())
            with self._lock:
                if self._process is process:
                    self._process = None
            done()

        threading.Thread(target=wait, name="kiosk-speech", daemon=True).start()

    def stop(self) -> None:
        with self._lock:
            process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
