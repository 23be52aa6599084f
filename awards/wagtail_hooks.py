from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from awards.models import Category, Program
from awards.viewsets import VoidBulkAction, VoidLogViewSet, VoteViewSet

AWARDS_MENU_HOOK = "register_awards_menu_item"


class ProgramViewSet(SnippetViewSet):
    model = Program
    icon = "calendar-check"
    menu_label = "Programs"
    list_display = ["title", "slug", Column("categories", accessor=lambda p: p.categories.count())]


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "list-ol"
    menu_label = "Categories"
    list_display = ["title", "program", "opens_at", "closes_at", "results_policy"]
    list_filter = ["program"]


class AwardsGroup(SnippetViewSetGroup):
    menu_label = "Awards"
    menu_icon = "success"
    menu_order = 300
    items = (ProgramViewSet, CategoryViewSet)
    submenu_hook = AWARDS_MENU_HOOK


register_snippet(AwardsGroup)


@hooks.register("register_admin_viewset")
def register_vote_moderation():
    return [VoteViewSet(menu_hook=AWARDS_MENU_HOOK), VoidLogViewSet()]


hooks.register("register_bulk_action", VoidBulkAction)
