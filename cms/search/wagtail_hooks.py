from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

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
