"""Mail to the applicant on every status change, in their language, through Django's mail backend.

Sent after the transaction commits; a failing mail server is logged and never undoes the change.
Applications without an e-mail address get no mail (the receipt page and API show the status).
"""

import functools
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from cms.applications.enums import ApplicationStatus, DeliveryMethod, MaterialState
from cms.core import i18n
from cms.core.urls import absolute

logger = logging.getLogger(__name__)


def status_url() -> str:
    return absolute("/apply/status/")


def notify_later(change_id: int) -> None:
    transaction.on_commit(functools.partial(send_status_mail, change_id), robust=True)


def _context(application, change) -> dict:
    """What the mail says, in the active language."""
    guide = application.guide
    name = i18n.pick(application.guide_name, guide.name_en if guide else "")
    awaiting = application.supplement_deadline and application.awaiting_supplement
    outstanding = application.materials.filter(state__in=(MaterialState.MISSING, MaterialState.REQUESTED))
    return {
        "application": application,
        "change": change,
        # a reason staff wrote to the applicant; the trail's own notes (what was supplied) are the back office's
        "reason": change.reason if change.user_id else "",
        "guide": name,
        # the Chinese name the window knows the item by, when the mail names it in English
        "guide_zh": application.guide_name if name != application.guide_name else "",
        "status": change.get_to_status_display(),
        "supplement_by": i18n.long_date(application.supplement_deadline) if awaiting else "",
        "materials": gettext(", ").join(i18n.pick(m.name, m.name_en) for m in outstanding),
        "due": i18n.long_date(application.due_date)
        if application.due_date and application.status == ApplicationStatus.ACCEPTED
        else "",
        "url": status_url(),
        # 统一窗口出件: a result to collect is handed over at one window of the centre it is picked up at
        "pickup_at": i18n.pick(application.centre.title, application.centre.name_en)
        if change.to_status == ApplicationStatus.APPROVED
        and application.delivery == DeliveryMethod.PICKUP
        and application.centre_id
        else "",
    }


def send_status_mail(change_id: int) -> bool:
    from cms.applications.models import StatusChange

    change = StatusChange.objects.select_related("application", "application__guide").get(pk=change_id)
    application = change.application
    if not application.email or change.from_status == change.to_status:
        return False
    with translation.override(application.language):  # the language it was applied in
        text = render_to_string("applications/mail/status.txt", _context(application, change))
    subject, _, body = text.strip().partition("\n")
    EmailMessage(subject.strip(), body.strip() + "\n", to=[application.email]).send()
    logger.info("application notice %s sent for %s", change.to_status, application.receipt)
    return True
