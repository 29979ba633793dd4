"""The guide standard (DESIGN.md §4) as typed models.

The models check shape and types only; the rules between fields (committed ≤ statutory, 容缺 vs
required, …) live in `guides.validate`, so every broken rule gets a bilingual message there.
Field order here is the order of the catalogue YAML and of `export_guides`.

Every text a citizen reads has an English field beside it, `<field>_en` (lists: `<field>_en` holds
the English of each item, in the same order). They may be empty, so that a new guide can be
published in Chinese first; `guides.validate.untranslated` lists what still needs English.
"""

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from guides.enums import (
    Delivery,
    GuideStatus,
    ItemType,
    MaterialForm,
    MaterialSource,
    Necessity,
    OnlineDepth,
    ServiceObject,
    WindowCategory,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Material(_Strict):
    """申请材料: one required document."""

    name: str = Field(min_length=1)
    name_en: str = ""
    form: MaterialForm
    copies: int = Field(default=1, ge=0)
    necessity: Necessity
    from_licence_library: bool = False  # 免提交: fetched from the e-licence library
    source: MaterialSource = MaterialSource.APPLICANT
    blank_form: str = ""  # name or link of the blank form, if there is one
    blank_form_en: str = ""
    sample: str = ""
    sample_en: str = ""
    notes: str = ""
    notes_en: str = ""
    # The case in which a required material cannot be had and is not needed ("丢失补领": a lost card is
    # not handed in): an applicant who says the case applies may leave it out; the window checks it.
    not_needed_when: str = ""
    not_needed_when_en: str = ""


class Step(_Strict):
    """办理流程: one step, who does it and how long it takes (working days)."""

    name: str = Field(min_length=1)
    name_en: str = ""
    actor: str = Field(min_length=1)
    actor_en: str = ""
    action: str = ""
    action_en: str = ""
    days: int = Field(default=0, ge=0)


class SpecialProcedure(_Strict):
    """特别程序 (inspection, hearing, expert review…): time it takes, and whether it counts in the limit."""

    name: str = Field(min_length=1)
    name_en: str = ""
    days: int = Field(ge=0)
    counts_in_limit: bool = False


class FeeItem(_Strict):
    name: str = Field(min_length=1)
    name_en: str = ""
    amount: Decimal = Field(ge=0)  # yuan
    unit: str = "件"
    unit_en: str = ""  # "card", "copy": the English reads "¥20 per card"
    basis: str = ""  # 收费依据
    basis_en: str = ""


class Fees(_Strict):
    free: bool
    items: list[FeeItem] = []


class Result(_Strict):
    """办理结果: the certificate or decision, how long it is valid, how it reaches the applicant."""

    certificate: str = Field(min_length=1)
    certificate_en: str = ""
    validity: str = ""
    validity_en: str = ""
    delivery: list[Delivery] = Field(min_length=1)


class Channels(_Strict):
    visits: int = Field(ge=0)  # 到现场次数: 0 = 不用跑, 1 = 最多跑一次
    visits_reason: str = ""
    visits_reason_en: str = ""
    online: bool
    online_depth: OnlineDepth = OnlineDepth.NONE
    appointment: bool = True
    kiosk: bool = False
    express: bool = False
    online_payment: bool = False


class Contact(_Strict):
    consultation_phones: list[str] = Field(min_length=1)
    complaint_phone: str = Field(min_length=1)


class Faq(_Strict):
    question: str = Field(min_length=1)
    question_en: str = ""
    answer: str = Field(min_length=1)
    answer_en: str = ""


class Guide(_Strict):
    """办事指南: one administrative service item and its standard guide."""

    code: str = Field(pattern=r"^[0-9A-Z][0-9A-Z-]{5,39}$")  # 实施编码
    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    summary_en: str = Field(min_length=1)
    item_type: ItemType
    category: WindowCategory
    department: str = Field(min_length=1)
    department_en: str = ""
    co_departments: list[str] = []
    co_departments_en: list[str] = []
    service_object: ServiceObject
    legal_basis: list[str] = Field(min_length=1)
    legal_basis_en: list[str] = []
    status: GuideStatus = GuideStatus.ACTIVE
    effective_date: dt.date
    keywords: list[str] = []
    conditions: list[str] = Field(min_length=1)
    conditions_en: list[str] = []
    prohibitions: list[str] = []
    prohibitions_en: list[str] = []
    materials: list[Material] = []
    steps: list[Step] = Field(min_length=1)
    special_procedures: list[SpecialProcedure] = []
    statutory_days: int = Field(ge=0)
    committed_days: int = Field(ge=0)
    immediate: bool = False
    fees: Fees
    result: Result
    channels: Channels
    centres: list[str] = Field(min_length=1)  # 同城通办: codes of the centres that handle it
    contact: Contact
    faq: list[Faq] = []
