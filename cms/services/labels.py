"""The closed vocabularies of the guide standard as words for visitors, in the active language."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guides.centres import CentreKind, RuleKind
from guides.enums import (
    Delivery,
    ItemType,
    MaterialForm,
    MaterialSource,
    Necessity,
    OnlineDepth,
    ServiceObject,
    WindowCategory,
)

LABELS = {
    WindowCategory.INVESTMENT: _("Investment projects"),
    WindowCategory.REAL_ESTATE: _("Real estate registration"),
    WindowCategory.BUSINESS: _("Business registration"),
    WindowCategory.SOCIAL: _("Social affairs"),
    WindowCategory.INSURANCE: _("Medical and social insurance"),
    WindowCategory.POLICE: _("Public security services"),
    WindowCategory.GENERAL: _("Other services"),
    ItemType.LICENSING: _("Administrative licensing"),
    ItemType.PAYMENT: _("Administrative payment"),
    ItemType.CONFIRMATION: _("Administrative confirmation"),
    ItemType.RULING: _("Administrative ruling"),
    ItemType.OTHER_POWER: _("Other administrative power"),
    ItemType.PUBLIC_SERVICE: _("Public service"),
    ServiceObject.CITIZEN: _("Citizens"),
    ServiceObject.COMPANY: _("Companies"),
    ServiceObject.BOTH: _("Citizens and companies"),
    MaterialForm.ORIGINAL: _("Original"),
    MaterialForm.COPY: _("Copy"),
    MaterialForm.ORIGINAL_AND_COPY: _("Original and copy"),
    MaterialForm.ELECTRONIC: _("Electronic"),
    Necessity.REQUIRED: _("Required"),
    Necessity.DEFERRABLE: _("Can be supplied later"),
    Necessity.OPTIONAL: _("If applicable"),
    MaterialSource.APPLICANT: _("Applicant"),
    MaterialSource.GOVERNMENT: _("Government"),
    Delivery.PICKUP: _("Pick up at the window"),
    Delivery.EXPRESS: _("Express delivery"),
    Delivery.ELECTRONIC: _("Electronic certificate"),
    OnlineDepth.NONE: _("Not online"),
    OnlineDepth.INFO: _("Guide online"),
    OnlineDepth.PRE_REVIEW: _("Apply online, originals checked at the window"),
    OnlineDepth.FULL: _("Fully online"),
    CentreKind.CITY: _("City service centre"),
    CentreKind.TOWN: _("Town or subdistrict centre"),
    CentreKind.VILLAGE: _("Village service station"),
    RuleKind.REGULAR: _("Regular hours"),
    RuleKind.STAGGERED: _("Staggered hours"),
    RuleKind.EXTENDED: _("Extended hours"),
    RuleKind.SUNDAY_ROTA: _("Sunday rota"),
}
# Short marks for the cells of a week table, next to the colour (which alone would not do, WCAG 1.4.1).
SHORT_KIND = {
    RuleKind.STAGGERED: pgettext_lazy("hour rule, short", "midday"),
    RuleKind.EXTENDED: pgettext_lazy("hour rule, short", "evening"),
    RuleKind.SUNDAY_ROTA: pgettext_lazy("hour rule, short", "rota"),
}
_BY_VALUE = {(type(member).__name__, member.value): text for member, text in LABELS.items()}


def label(value, vocabulary: str = "") -> str:
    """The visitor's word for a value of the standard. Values shared by two vocabularies (e.g. a
    `Delivery` and a `MaterialForm` both say "electronic") need the vocabulary's class name."""
    if vocabulary:
        return str(_BY_VALUE.get((vocabulary, str(value)), value))
    for member, text in LABELS.items():
        if member == value:
            return str(text)
    return str(value)
