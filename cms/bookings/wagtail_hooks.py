from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.contrib.settings.registry import register_setting

from cms.bookings import admin_views
from cms.bookings.models import BookingSettings, SlotPolicy

register_setting(BookingSettings, icon="date")


class SlotPolicyViewSet(ModelViewSet):
    model = SlotPolicy
    icon = "time"
    menu_label = "时段规则 Slot policies"
    add_to_admin_menu = False
    form_fields = ["centre", "category", "bookable", "capacity", "slot_minutes"]
    list_display = ["centre", "category", "bookable", "capacity", "slot_minutes"]
    list_filter = ["category", "bookable"]


slot_policies = SlotPolicyViewSet("slot_policies")


@hooks.register("register_admin_viewset")
def register_slot_policies():
    return slot_policies


@hooks.register("register_admin_urls")
def register_staff_urls():
    return [
        path("bookings/day/", admin_views.day_view, name="bookings_day"),
        path("bookings/<int:pk>/check-in/", admin_views.staff_check_in, name="bookings_check_in"),
        path("bookings/rebook/", admin_views.rebook_view, name="bookings_rebook"),
    ]


class PermittedMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def register_bookings_menu():
    items = [
        PermittedMenuItem(
            "今日预约 Today's bookings",
            reverse("bookings_day"),
            name="bookings-day",
            icon_name="date",
            order=100,
            permission=admin_views.VIEW,
        ),
        PermittedMenuItem(
            "需改约 To rebook",
            reverse("bookings_rebook"),
            name="bookings-rebook",
            icon_name="warning",
            order=200,
            permission=admin_views.CHANGE,
        ),
        PermittedMenuItem(
            "时段规则 Slot policies",
            reverse(slot_policies.get_url_name("index")),
            name="slot-policies",
            icon_name="time",
            order=300,
            permission="bookings.change_slotpolicy",
        ),
    ]
    return SubmenuMenuItem("预约 Bookings", Menu(items=items), name="bookings", icon_name="date", order=250)


@hooks.register("register_permissions")
def booking_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="bookings", codename__in=["view_booking", "change_booking"]
    )
