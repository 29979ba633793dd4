"""Service guides as Wagtail pages: every element of the guide standard (DESIGN.md §4) as typed fields
and ordered rows. Field names match `guides.schema`, so `cms.services.standard` converts both ways."""

from django.core.validators import MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.centres import opening
from cms.core.urls import absolute
from cms.services.forms import GuideAdminForm
from cms.services.panels import guide_edit_handler
from cms.services.permissions import DepartmentPermissionTester
from guides import clock, enums


def _choices(enum) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]


def _text_list(label: str, help_text: str = "") -> StreamField:
    """An ordered list of plain sentences (legal bases, conditions, …), one block each."""
    return StreamField(
        [("item", blocks.CharBlock(label=label, max_length=1000))], blank=True, verbose_name=label, help_text=help_text
    )


def _english_list(label: str) -> StreamField:
    """The English of a `_text_list`: item N translates item N of the Chinese list."""
    return _text_list(label, "与中文逐条对应，顺序相同 / one item per Chinese item, in the same order")


class Department(models.Model):
    """实施机构: a department responsible for guides; its editors' group may edit only its guides."""

    name = models.CharField("名称 name", max_length=100, unique=True)
    name_en = models.CharField("英文名称 English name", max_length=200, blank=True)
    editors = models.OneToOneField(
        "auth.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="department",
        verbose_name="编辑组 editors' group",
        help_text="该组成员只能编辑本部门的办事指南 / members may edit only this department's guides",
    )

    archive_days = models.PositiveIntegerField(
        "办件保管期限（天） archive period (days)",
        null=True,
        blank=True,
        help_text="办结后申请人个人信息保留天数；留空按平台默认 / days an ended application keeps the applicant's "
        "personal data; empty: the platform's default (RETENTION)",
    )

    # Pointing a department at a group gives that group its applications' files: only who may edit groups
    # (superusers) may change it; reviewers edit names only.
    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("archive_days"),
        FieldPanel("editors", permission="auth.change_group"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = "部门 department"

    def __str__(self) -> str:
        return self.name


class GuideIndexPage(Page):
    """One window category (一窗受理) and the guides in it."""

    category = models.CharField(
        "窗口类别 window category", max_length=20, choices=_choices(enums.WindowCategory), unique=True
    )
    intro = models.TextField("简介 introduction", blank=True)
    intro_en = models.TextField("英文简介 English introduction", blank=True)

    content_panels = Page.content_panels + [FieldPanel("category"), FieldPanel("intro"), FieldPanel("intro_en")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["services.ServiceGuidePage"]

    def permissions_for_user(self, user):
        return DepartmentPermissionTester(user, self)

    @property
    def window_category(self) -> enums.WindowCategory:
        return enums.WindowCategory(self.category)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        guides = ServiceGuidePage.objects.child_of(self).live().select_related("department").order_by("code")
        audience = request.GET.get("for", "")
        if audience in (enums.ServiceObject.CITIZEN, enums.ServiceObject.COMPANY):
            guides = guides.filter(service_object__in=[audience, enums.ServiceObject.BOTH])
        else:
            audience = ""
        context["guides"], context["audience"] = guides, audience
        return context


class ServiceGuidePage(Page):
    """办事指南: one service item and its standard guide; the page title is the item's name."""

    code = models.CharField("实施编码 code", max_length=40, unique=True)
    name_en = models.CharField("英文名称 English name", max_length=255)
    summary = models.TextField("概述 summary")
    summary_en = models.TextField("英文概述 English summary")
    item_type = models.CharField("事项类型 item type", max_length=20, choices=_choices(enums.ItemType))
    category = models.CharField("窗口类别 window category", max_length=20, choices=_choices(enums.WindowCategory))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="guides", verbose_name="实施机构")
    service_object = models.CharField("服务对象 service object", max_length=10, choices=_choices(enums.ServiceObject))
    legal_basis = _text_list("设定依据 legal basis")
    legal_basis_en = _english_list("设定依据（英文）legal basis in English")
    status = models.CharField("状态 status", max_length=10, choices=_choices(enums.GuideStatus), default="active")
    effective_date = models.DateField("生效日期 effective date")
    keywords = _text_list("关键词 keywords")
    conditions = _text_list("受理条件 conditions")
    conditions_en = _english_list("受理条件（英文）conditions in English")
    prohibitions = _text_list("禁止性要求 prohibitions")
    prohibitions_en = _english_list("禁止性要求（英文）prohibitions in English")
    statutory_days = models.PositiveIntegerField("法定办结时限（工作日）statutory days")
    committed_days = models.PositiveIntegerField("承诺办结时限（工作日）committed days")
    immediate = models.BooleanField("即办件 done on the spot", default=False)
    fees_free = models.BooleanField("不收费 free", default=True)
    result_certificate = models.CharField("办理结果 certificate", max_length=255)
    result_certificate_en = models.CharField("办理结果（英文）certificate (English)", max_length=255, blank=True)
    result_validity = models.CharField("有效期 validity", max_length=255, blank=True)
    result_validity_en = models.CharField("有效期（英文）validity (English)", max_length=255, blank=True)
    result_delivery = models.JSONField("送达方式 delivery", default=list)
    channels_visits = models.PositiveIntegerField("到现场次数 visits", default=1)
    channels_visits_reason = models.CharField("多次到现场的理由 reason for more visits", max_length=255, blank=True)
    channels_visits_reason_en = models.CharField("理由（英文）reason (English)", max_length=255, blank=True)
    channels_online = models.BooleanField("网上申请 online application", default=False)
    channels_online_depth = models.CharField(
        "网办深度 online depth", max_length=20, choices=_choices(enums.OnlineDepth), default="none"
    )
    channels_appointment = models.BooleanField("可预约 appointments", default=True)
    channels_kiosk = models.BooleanField("自助终端 kiosk", default=False)
    channels_express = models.BooleanField("快递送达 express delivery", default=False)
    channels_online_payment = models.BooleanField("网上缴费 online payment", default=False)
    contact_consultation_phones = _text_list("咨询电话 consultation phones")
    contact_complaint_phone = models.CharField("投诉电话 complaint phone", max_length=40)

    search_fields = Page.search_fields + [
        index.SearchField("code"),
        index.SearchField("name_en"),
        index.SearchField("summary"),
        index.FilterField("category"),
    ]

    edit_handler = guide_edit_handler
    base_form_class = GuideAdminForm

    parent_page_types = ["services.GuideIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "办事指南 service guide"

    def permissions_for_user(self, user):
        return DepartmentPermissionTester(user, self)

    @property
    def time_cut_percent(self) -> float | None:
        """How much shorter the committed limit is than the statutory one (None if the law sets 0 days)."""
        if not self.statutory_days:
            return None
        return round((self.statutory_days - self.committed_days) * 100 / self.statutory_days, 1)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = clock.now()
        category = enums.WindowCategory(self.category)
        links = self.centre_links.select_related("centre").filter(centre__live=True)
        context["today"] = now.date()
        context["centres"] = [(link.centre, opening.today(link.centre, category, now)) for link in links]
        context["page_url"] = absolute(self.url, request)
        context["category_slug"] = category.slug  # a ticket for today in its queue (/queue/<centre>/?category=)
        return context


class GuideRow(Orderable):
    """Base of the ordered rows of a guide."""

    class Meta(Orderable.Meta):
        abstract = True


class GuideMaterial(GuideRow):
    """申请材料: one document the item needs."""

    page = ParentalKey(ServiceGuidePage, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField("名称 name", max_length=255)
    name_en = models.CharField("英文名称 English name", max_length=255, blank=True)
    form = models.CharField("形式 form", max_length=20, choices=_choices(enums.MaterialForm))
    copies = models.PositiveIntegerField("份数 copies", default=1)
    necessity = models.CharField("必要性 necessity", max_length=20, choices=_choices(enums.Necessity))
    from_licence_library = models.BooleanField("免提交（电子证照库）from the e-licence library", default=False)
    source = models.CharField("来源 source", max_length=20, choices=_choices(enums.MaterialSource), default="applicant")
    blank_form = models.CharField("空白表格 blank form", max_length=255, blank=True)
    blank_form_en = models.CharField("空白表格（英文）blank form (English)", max_length=255, blank=True)
    sample = models.CharField("示例样表 sample", max_length=255, blank=True)
    sample_en = models.CharField("示例样表（英文）sample (English)", max_length=255, blank=True)
    notes = models.TextField("备注 notes", blank=True)
    notes_en = models.TextField("备注（英文）notes (English)", blank=True)
    not_needed_when = models.CharField(
        "无需提供的情形 not needed when",
        max_length=100,
        blank=True,
        help_text="必交材料在此情形下无法提供也无需提供，如“丢失补领” / a case in which the applicant cannot have it, "
        "e.g. replacing a lost card",
    )
    not_needed_when_en = models.CharField("无需提供的情形（英文）not needed when (English)", max_length=200, blank=True)


class GuideStep(GuideRow):
    """办理流程: one step."""

    page = ParentalKey(ServiceGuidePage, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField("环节 name", max_length=100)
    name_en = models.CharField("英文 English", max_length=100, blank=True)
    actor = models.CharField("办理人 actor", max_length=100)
    actor_en = models.CharField("办理人（英文）actor (English)", max_length=200, blank=True)
    action = models.TextField("办理内容 action", blank=True)
    action_en = models.TextField("办理内容（英文）action (English)", blank=True)
    days = models.PositiveIntegerField("时限（工作日）days", default=0)


class GuideSpecialProcedure(GuideRow):
    """特别程序: inspection, hearing, expert review… and whether it counts in the time limit."""

    page = ParentalKey(ServiceGuidePage, on_delete=models.CASCADE, related_name="special_procedures")
    name = models.CharField("名称 name", max_length=100)
    name_en = models.CharField("英文 English", max_length=100, blank=True)
    days = models.PositiveIntegerField("时限（工作日）days")
    counts_in_limit = models.BooleanField("计入办结时限 counts in the limit", default=False)


class GuideFeeItem(GuideRow):
    """收费项目: amount and legal basis."""

    page = ParentalKey(ServiceGuidePage, on_delete=models.CASCADE, related_name="fee_items")
    name = models.CharField("名称 name", max_length=255)
    name_en = models.CharField("英文名称 English name", max_length=255, blank=True)
    amount = models.DecimalField("金额（元）amount", max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    unit = models.CharField("单位 unit", max_length=20, default="件")
    unit_en = models.CharField(
        "单位（英文）unit (English)", max_length=40, blank=True, help_text="如 card、copy：¥20 per card"
    )
    basis = models.TextField("收费依据 basis", blank=True)
    basis_en = models.TextField("收费依据（英文）basis (English)", blank=True)


class GuideFaq(GuideRow):
    page = ParentalKey(ServiceGuidePage, on_delete=models.CASCADE, related_name="faq")
    question = models.CharField("问题 question", max_length=500)
    question_en = models.CharField("问题（英文）question (English)", max_length=500, blank=True)
    answer = models.TextField("解答 answer")
    answer_en = models.TextField("解答（英文）answer (English)", blank=True)


class GuideCoDepartment(GuideRow):
    page = ParentalKey(ServiceGuidePage, on_delete=models.CASCADE, related_name="co_department_links")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("department")]


class GuideCentre(GuideRow):
    """同城通办: a centre where the item can be handled."""

    page = ParentalKey(ServiceGuidePage, on_delete=models.CASCADE, related_name="centre_links")
    centre = models.ForeignKey("centres.CentrePage", on_delete=models.CASCADE, related_name="guide_links")

    panels = [FieldPanel("centre")]
