"""Why an operation cannot be done: the one refusal type of every rule on every channel (DESIGN.md §5).

Pure Python, so the kiosk can raise and read it too. A refusal says it in both languages (`Text`); the API
answers it in the error shape with both (`cms/core/errors.py`, the one place it becomes HTTP), a page or a
kiosk screen shows the one language it speaks.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """One message in Chinese and English."""

    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"

    def speak(self, language: str) -> str:
        """The message in `language` ("en…" for English, anything else Chinese)."""
        return self.en if (language or "").startswith("en") else self.zh


class Refusal(Exception):
    """An HTTP-like status, a stable code, the message, and a message per field that is wrong.

    `retry_after` (seconds) is set when waiting helps: a rate limit, a locked code.
    """

    def __init__(
        self,
        status: int,
        code: str,
        zh: str,
        en: str,
        fields: dict[str, Text] | None = None,
        retry_after: int | None = None,
    ):
        super().__init__(f"{zh} / {en}")
        self.status, self.code, self.text = status, code, Text(zh, en)
        self.fields = fields or {}
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        return str(self.text)

    def speak(self, language: str) -> str:
        return self.text.speak(language)

    def field_messages(self, language: str | None = None) -> dict[str, str]:
        """{field: message}: both languages (the API), or one."""
        return {name: (text.speak(language) if language else str(text)) for name, text in self.fields.items()}
