from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from cms.hours import admin_views
from cms.hours.models import CalendarDay, Closure


class CalendarDayViewSet(ModelViewSet):
    model = CalendarDay
    icon = "calendar-alt"
    menu_label = "放假与调休 Holidays"
    menu_name = "calendar-days"
    add_view_class = admin_views.CalendarDayCreateView
    edit_view_class = admin_views.CalendarDayEditView
    list_display = [
        "date",
        "kind",
        "name",
        "name_en",
        "works_as",
        Column("source", label="来源 source", accessor="get_source_display"),
    ]
    list_filter = ["kind", "source"]
    search_fields = ["name", "name_en"]
    ordering = ["-date"]

    def get_form_class(self, for_update=False):
        return admin_views.CalendarDayForm


class ClosureViewSet(ModelViewSet):
    model = Closure
    icon = "warning"
    menu_label = "临时闭厅 Closures"
    menu_name = "closures"
    add_view_class = admin_views.ClosureCreateView
    edit_view_class = admin_views.ClosureEditView
    list_display = [
        "centre",
        "start_date",
        "end_date",
        Column("categories", label="窗口 categories", accessor=lambda c: "、".join(c.categories) or "全部 all"),
        "reason",
    ]
    list_filter = ["centre"]
    search_fields = ["reason"]

    def get_form_class(self, for_update=False):
        return admin_views.ClosureForm


class HoursGroup(ModelViewSetGroup):
    menu_label = "办公时间 Hours"
    menu_name = "hours"
    menu_icon = "time"
    menu_order = 260
    items = (CalendarDayViewSet("calendar_days"), ClosureViewSet("closures"))


@hooks.register("register_admin_viewset")
def register_hours():
    return HoursGroup()
