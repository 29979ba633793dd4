"""Mail to the applicant on every status change, in their language, through Django's mail backend.

Sent after the transaction commits; a failing mail server is logged and never undoes the change.
Applications without an e-mail address get no mail (the receipt page and API show the status).
"""

import functools
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string

from cms.core.urls import absolute

logger = logging.getLogger(__name__)


def status_url() -> str:
    return absolute("/apply/status/")


def notify_later(change_id: int) -> None:
    transaction.on_commit(functools.partial(send_status_mail, change_id), robust=True)


def send_status_mail(change_id: int) -> bool:
    from cms.applications.models import StatusChange

    change = StatusChange.objects.select_related("application").get(pk=change_id)
    application = change.application
    if not application.email or change.from_status == change.to_status:
        return False
    context = {
        "application": application,
        "change": change,
        "status_zh": change.get_to_status_display().split(" ")[0],
        "status_en": change.get_to_status_display().split(" ", 1)[-1],
        "url": status_url(),
    }
    text = render_to_string(f"applications/mail/status.{application.language}.txt", context)
    subject, _, body = text.strip().partition("\n")
    EmailMessage(subject.strip(), body.strip() + "\n", to=[application.email]).send()
    logger.info("application notice %s sent for %s", change.to_status, application.receipt)
    return True
