from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.applications import admin_views
from cms.applications.departments import may_handle_applications


@hooks.register("register_admin_urls")
def register_application_urls():
    return [
        path("applications/", admin_views.index, name="applications_admin"),
        path("applications/<int:pk>/", admin_views.detail, name="applications_admin_detail"),
        path("applications/<int:pk>/act/", admin_views.act, name="applications_admin_act"),
        path("applications/<int:pk>/files/<int:position>/", admin_views.download, name="applications_admin_file"),
    ]


class DepartmentMenuItem(MenuItem):
    def is_shown(self, request):
        return may_handle_applications(request.user)


@hooks.register("register_admin_menu_item")
def register_applications_menu():
    return DepartmentMenuItem("办件 Applications", reverse("applications_admin"), icon_name="doc-full", order=260)
