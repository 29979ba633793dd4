"""Agreeing to the personal-information notice before a booking or an application (PIPL): the notice as the
server publishes it (`GET /privacy-notice`, kept with the catalogue), a toggle, and its version sent as
`consent`. The server holds the rule (cms/identity/privacy.py); the kiosk only asks first."""

from kivy.clock import Clock
from kivy.properties import BooleanProperty, DictProperty

from kiosk.i18n import N_
from kiosk.services.api import ApiError
from kiosk.viewmodels.base import ViewModel
from kiosk.viewmodels.forms import error

CONSENT_NEEDED = N_("Please read the notice above and touch the button to agree first.")
NOTICE_CHANGED = N_("The notice has changed. Please read it again and touch the button to agree.")
NO_NOTICE = N_("The personal information notice could not be loaded. Please try again, or ask the staff for help.")
REFUSALS = ("consent_needed", "consent_outdated")


class ConsentViewModel(ViewModel):
    consent = BooleanProperty(False)  # the citizen touched the button to agree, for this form
    privacy = DictProperty({}, rebind=True)  # the notice: version, text_zh, text_en

    def load_notice(self, fresh: bool = False) -> None:
        """The kept notice at once; the server's in the background when none is kept (or `fresh`)."""
        kept = self.services.catalogue.notice()
        if kept and not fresh:
            self.privacy = kept
            return
        syncer = self.services.syncer

        def fetch() -> None:
            try:
                notice = syncer.refresh_notice()
            except Exception:  # offline or refused: the form says so when it is sent
                return
            Clock.schedule_once(lambda dt: setattr(self, "privacy", notice))

        self.services.pool.submit(fetch)

    def toggle_consent(self) -> None:
        self.consent = not self.consent
        self.errors = {k: v for k, v in self.errors.items() if k != "consent"}

    def consent_version(self, errors: dict) -> str:
        """The version agreed to, or "" with the reason put in `errors`."""
        version = self.privacy.get("version", "")
        if not self.consent:
            errors["consent"] = error(CONSENT_NEEDED)
        elif not version:
            errors["consent"] = error(NO_NOTICE)
            self.load_notice(fresh=True)
        return version if self.consent else ""

    def consent_refused(self, exc: Exception) -> bool:
        """The server refused the consent sent (the notice changed meanwhile): fetch it, ask again."""
        if isinstance(exc, ApiError) and exc.code in REFUSALS:
            self.consent = False
            self.errors = {**self.errors, "consent": error(NOTICE_CHANGED)}
            self.load_notice(fresh=True)
            return True
        return False

    def wipe(self) -> None:
        super().wipe()
        self.consent = False  # the next citizen agrees for themself; the notice itself stays
