"""Admin registration: departments as snippets, and the reform dashboard in the menu."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.services import copying, views
from cms.services.models import Department


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = "部门 Departments"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "name_en", "editors"]


register_snippet(DepartmentViewSet)


@hooks.register("register_admin_urls")
def dashboard_urls():
    return [path("reform-dashboard/", views.admin_dashboard, name="reform_dashboard")]


@hooks.register("register_admin_menu_item")
def dashboard_menu_item():
    return MenuItem("改革成效 Dashboard", reverse("reform_dashboard"), icon_name="table", order=200)


@hooks.register("before_copy_page")
def copy_guides_and_centres_with_a_new_code(request, page):
    if copying.is_coded(page):
        return copying.copy_with_new_code(request, page)
    return None
