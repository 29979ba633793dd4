"""Service centres as pages: address, windows per category and hour rules (fields match `guides.centres`)."""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page

from cms.centres.forms import CATEGORY_CHOICES, WEEKDAY_CHOICES, CentreAdminForm, JSONCheckboxes, JSONPeriods
from guides import clock, enums, geo
from guides.centres import CentreKind, RuleKind


def _choices(enum) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]


class CentreIndexPage(Page):
    """All service centres, city hall first."""

    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["centres.CentrePage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from cms.centres import opening  # opening imports this module

        at = clock.now()
        centres = CentrePage.objects.child_of(self).live().order_by("path")
        context["centres"] = [(centre, opening.now(centre, at)) for centre in centres]
        return context


class CentrePage(Page):
    """服务中心: a place where guides are handled; the title is its name."""

    code = models.SlugField("代码 code", max_length=40, unique=True)
    name_en = models.CharField("英文名称 English name", max_length=255)
    kind = models.CharField("类型 kind", max_length=10, choices=_choices(CentreKind))
    town = models.CharField("镇街 town", max_length=50)
    address = models.CharField("地址 address", max_length=255)
    address_en = models.CharField("英文地址 English address", max_length=255, blank=True)
    latitude = models.FloatField("纬度 latitude", validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField("经度 longitude", validators=[MinValueValidator(-180), MaxValueValidator(180)])
    phone = models.CharField("电话 phone", max_length=40)
    volunteers = models.BooleanField("义工服务 volunteers", default=False)

    content_panels = Page.content_panels + [
        FieldPanel("code"),
        FieldPanel("name_en"),
        FieldPanel("kind"),
        MultiFieldPanel(
            [
                FieldPanel("town"),
                FieldPanel("address"),
                FieldPanel("address_en"),
                FieldPanel("latitude"),
                FieldPanel("longitude"),
            ],
            heading="位置 location",
        ),
        FieldPanel("phone"),
        FieldPanel("volunteers"),
        InlinePanel("windows", label="窗口 windows"),
        InlinePanel("hours", label="办公时间规则 hour rules"),
    ]
    base_form_class = CentreAdminForm

    parent_page_types = ["centres.CentreIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "服务中心 centre"

    def get_context(self, request, *args, **kwargs):
        from cms.centres import opening  # opening imports this module

        context = super().get_context(request, *args, **kwargs)
        at = clock.now()
        today = at.date()
        next_week = request.GET.get("week") == "next"
        context["today"] = today
        context["next_week"] = next_week
        context["status"] = opening.now(self, at)
        context["week"] = opening.week(self, today + dt.timedelta(days=7 if next_week else 0))
        context["map_url"] = geo.amap_url(self.latitude, self.longitude, self.title)
        # The legend explains only the kinds of hours this centre has.
        kinds = {rule.kind for rule in self.hours.all()}
        context["rule_kinds"] = [k for k in RuleKind if k != RuleKind.REGULAR and k in kinds]
        # Guides name their centres (`guide_links`), so a centre lists them without knowing the guide model.
        links = self.guide_links.filter(page__live=True).select_related("page").order_by("page__category", "page__code")
        context["guides"] = list({link.page_id: link.page for link in links}.values())
        if self.kind == CentreKind.VILLAGE:
            context["town_centre"] = self.nearest_town_centre()
        return context

    def nearest_town_centre(self) -> tuple["CentrePage", float] | None:
        """For a village station: the nearest town or city centre, for what the station cannot do."""
        others = CentrePage.objects.live().exclude(kind=CentreKind.VILLAGE).exclude(pk=self.pk)
        ranked = sorted(
            (geo.haversine_km(self.latitude, self.longitude, c.latitude, c.longitude), c.path, c) for c in others
        )
        return (ranked[0][2], round(ranked[0][0], 1)) if ranked else None


class CentreWindow(Orderable):
    """How many windows a centre has for one category (the capacity of its slots)."""

    page = ParentalKey(CentrePage, on_delete=models.CASCADE, related_name="windows")
    category = models.CharField("窗口类别 category", max_length=20, choices=_choices(enums.WindowCategory))
    count = models.PositiveIntegerField("窗口数 windows", validators=[MinValueValidator(1)])

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["page", "category"], name="one_window_row_per_category")]


class CentreHourRule(Orderable):
    """Opening periods on some weekdays for some categories: regular, staggered, extended or Sunday rota."""

    page = ParentalKey(CentrePage, on_delete=models.CASCADE, related_name="hours")
    kind = models.CharField("类型 kind", max_length=20, choices=_choices(RuleKind))
    categories = models.JSONField("窗口类别（空为全部）categories, empty for all", default=list, blank=True)
    weekdays = models.JSONField("星期（1=周一…7=周日）weekdays", default=list)
    periods = models.JSONField("时段 periods (HH:MM-HH:MM)", default=list)
    every_weeks = models.PositiveIntegerField("每几周 every N weeks", default=1)
    rota_start = models.DateField("轮值起始周日 rota start", null=True, blank=True)
    note = models.CharField("说明 note", max_length=255, blank=True)
    note_en = models.CharField("说明（英文）note (English)", max_length=255, blank=True)

    panels = [
        FieldPanel("kind"),
        FieldPanel("categories", widget=JSONCheckboxes(choices=CATEGORY_CHOICES)),
        FieldPanel("weekdays", widget=JSONCheckboxes(choices=WEEKDAY_CHOICES, integers=True)),
        FieldPanel("periods", widget=JSONPeriods(attrs={"placeholder": "08:30-12:00, 13:30-17:00"})),
        FieldPanel("every_weeks"),
        FieldPanel("rota_start"),
        FieldPanel("note"),
        FieldPanel("note_en"),
    ]
