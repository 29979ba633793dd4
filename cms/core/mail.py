"""Mail without SMTP (`make run` on loopback): each mail goes to a file under DATA_DIR/mail, 0700 like all of
DATA_DIR, and the log says only that one was written. Printing mails to stdout put recipients, names,
booking codes and staff password-reset links in the server's log."""

import logging
from pathlib import Path

from django.core.mail.backends import filebased

logger = logging.getLogger(__name__)


class PrivateFileBackend(filebased.EmailBackend):
    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        if sent:
            logger.info("%d mail(s) written to %s (no SMTP configured)", sent, Path(self._fname).name)
        return sent
