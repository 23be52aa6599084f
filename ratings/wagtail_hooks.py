from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Sector


class SectorViewSet(SnippetViewSet):
    model = Sector
    icon = "tag"
    menu_label = "Token categories"
    list_display = ["name", "slug"]
    search_fields = ["name"]


register_snippet(SectorViewSet)
