from django.db import models


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交 submitted"
    ACCEPTED = "accepted", "已受理 accepted"
    PENDING_SUPPLEMENT = "accepted_pending_supplement", "容缺受理，待补正 accepted pending supplement"
    SUPPLEMENT_OVERDUE = "supplement_overdue", "补正逾期 supplement overdue"
    APPROVED = "approved", "已办结 approved"
    REJECTED = "rejected", "不予受理/不予许可 rejected"
    DELIVERED = "delivered", "已送达 delivered"


# Being worked: the committed time limit runs, and a file past its due date stands out.
IN_PROGRESS = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.PENDING_SUPPLEMENT,
    ApplicationStatus.SUPPLEMENT_OVERDUE,
)
AWAITING_SUPPLEMENT = (ApplicationStatus.PENDING_SUPPLEMENT, ApplicationStatus.SUPPLEMENT_OVERDUE)


class ApplicantKind(models.TextChoices):
    PERSON = "person", "个人 person"
    COMPANY = "company", "企业 company"


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", "窗口领取 pickup at a centre"
    EXPRESS = "express", "快递送达 express delivery"
    ELECTRONIC = "electronic", "电子证照 electronic"


class MaterialState(models.TextChoices):
    PROVIDED = "provided", "已上传 provided"
    MISSING = "missing", "容缺待补 to be supplied"
    REQUESTED = "requested", "需补正 supplement requested"
    NOT_GIVEN = "not_given", "未提供（选填）not given (optional)"
    FROM_LICENCE_LIBRARY = "from_licence_library", "电子证照库调取 from the e-licence library"
