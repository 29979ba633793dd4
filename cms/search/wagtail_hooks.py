from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.search import views
from cms.search.models import Synonym


class SynonymViewSet(SnippetViewSet):
    """Editors map what citizens type to official names; searches use the list at once."""

    model = Synonym
    icon = "search"
    menu_label = "搜索同义词 Search synonyms"
    menu_order = 900
    add_to_admin_menu = True
    list_display = ["term", "official", "note"]
    search_fields = ["term", "official"]
    search_backend_name = None  # plain database lookups: the Wagtail backend cannot search Chinese


register_snippet(SynonymViewSet)


@hooks.register("register_admin_urls")
def search_log_urls():
    return [path("search-log/", views.admin_search_log, name="search_log")]


@hooks.register("register_admin_menu_item")
def search_log_menu_item():
    return MenuItem("搜索没找到 Not found", reverse("search_log"), icon_name="search", order=901)
