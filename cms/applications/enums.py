from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("application status", "Submitted")
    ACCEPTED = "accepted", pgettext_lazy("application status", "Accepted")
    PENDING_SUPPLEMENT = (
        "accepted_pending_supplement",
        pgettext_lazy("application status", "Accepted, a material to be supplied"),
    )
    SUPPLEMENT_OVERDUE = "supplement_overdue", pgettext_lazy("application status", "Supplement overdue")
    APPROVED = "approved", pgettext_lazy("application status", "Completed")
    REJECTED = "rejected", pgettext_lazy("application status", "Refused")
    DELIVERED = "delivered", pgettext_lazy("application status", "Delivered")


# Being worked: the committed time limit runs, and a file past its due date stands out.
IN_PROGRESS = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.PENDING_SUPPLEMENT,
    ApplicationStatus.SUPPLEMENT_OVERDUE,
)
AWAITING_SUPPLEMENT = (ApplicationStatus.PENDING_SUPPLEMENT, ApplicationStatus.SUPPLEMENT_OVERDUE)


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", _("Pick up at a service centre")
    EXPRESS = "express", _("Express delivery")
    ELECTRONIC = "electronic", _("Electronic certificate")


class MaterialState(models.TextChoices):
    PROVIDED = "provided", pgettext_lazy("material state", "Uploaded")
    MISSING = "missing", pgettext_lazy("material state", "To be supplied")
    REQUESTED = "requested", pgettext_lazy("material state", "Supplement requested")
    NOT_GIVEN = "not_given", pgettext_lazy("material state", "Not given (optional)")
    FROM_LICENCE_LIBRARY = "from_licence_library", pgettext_lazy("material state", "From the e-licence library")
    NOT_NEEDED = "not_needed", pgettext_lazy("material state", "Not needed in the applicant's case")
