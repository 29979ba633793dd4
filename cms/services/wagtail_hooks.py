"""Admin registration: departments as snippets, the reform dashboard in the menu, and a reminder of
texts without English after a guide is saved."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.core import i18n
from cms.services import copying, views
from cms.services.models import Department, ServiceGuidePage
from cms.services.standard import untranslated_fields


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = "部门 Departments"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "name_en", "archive_days", "editors"]


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


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def remind_of_untranslated_texts(request, page):
    """A warning, not an error: the guide is saved (or published) as it is."""
    if not isinstance(page, ServiceGuidePage):
        return
    warnings = untranslated_fields(page)
    if warnings:
        names, more, n = [w.field for w in warnings[:8]], "…" if len(warnings) > 8 else "", len(warnings)
        zh = f"{n} 处文字尚无英文：{'、'.join(names)}{more}"
        message = i18n.pick(zh, f"{n} texts still have no English: {', '.join(names)}{more}")
        messages.warning(request, message)  # in the editor's language
