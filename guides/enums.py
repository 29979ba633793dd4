"""The closed vocabularies of the guide standard (DESIGN.md §3–§4).

Values are what editors write in the catalogue YAML; `label_en` gives the English label.
"""

from enum import StrEnum


class WindowCategory(StrEnum):
    """一窗受理: the seven window categories of the service hall."""

    INVESTMENT = "投资项目"
    REAL_ESTATE = "不动产登记"
    BUSINESS = "商事登记"
    SOCIAL = "社会事务"
    INSURANCE = "医保社保"
    POLICE = "公安服务"
    GENERAL = "其他综合事务"

    @property
    def slug(self) -> str:
        return self.name.lower().replace("_", "-")

    @property
    def label_en(self) -> str:
        return _CATEGORY_EN[self]

    @classmethod
    def from_slug(cls, slug: str) -> "WindowCategory":
        return cls[slug.upper().replace("-", "_")]


_CATEGORY_EN = {
    WindowCategory.INVESTMENT: "Investment projects",
    WindowCategory.REAL_ESTATE: "Real estate registration",
    WindowCategory.BUSINESS: "Business registration",
    WindowCategory.SOCIAL: "Social affairs",
    WindowCategory.INSURANCE: "Medical and social insurance",
    WindowCategory.POLICE: "Public security services",
    WindowCategory.GENERAL: "Other services",
}


class ItemType(StrEnum):
    """事项类型, as in the national implementation list."""

    LICENSING = "行政许可"
    PAYMENT = "行政给付"
    CONFIRMATION = "行政确认"
    RULING = "行政裁决"
    OTHER_POWER = "其他行政权力"
    PUBLIC_SERVICE = "公共服务"


class ServiceObject(StrEnum):
    CITIZEN = "citizen"
    COMPANY = "company"
    BOTH = "both"


class GuideStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ABOLISHED = "abolished"


class MaterialForm(StrEnum):
    ORIGINAL = "original"
    COPY = "copy"
    ORIGINAL_AND_COPY = "original_and_copy"
    ELECTRONIC = "electronic"


class Necessity(StrEnum):
    REQUIRED = "required"
    DEFERRABLE = "deferrable"  # 容缺: may be supplied after acceptance
    OPTIONAL = "optional"


class MaterialSource(StrEnum):
    APPLICANT = "applicant"
    GOVERNMENT = "government"


class Delivery(StrEnum):
    PICKUP = "pickup"
    EXPRESS = "express"
    ELECTRONIC = "electronic"


class OnlineDepth(StrEnum):
    """网上办理深度: how far an item can be handled online."""

    NONE = "none"
    INFO = "info"  # guide published only
    PRE_REVIEW = "pre_review"  # submit online, original checked at the window
    FULL = "full"  # 全程网办
