from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.people import admin_views


class LookUpMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.VIEW)


@hooks.register("register_admin_urls")
def register_person_urls():
    return [path("identity/person/", admin_views.person_view, name="identity_person")]


@hooks.register("register_admin_menu_item")
def register_person_menu():
    return LookUpMenuItem(
        "按证件号查询 Look up a person", reverse("identity_person"), name="identity-person", icon_name="user", order=260
    )
