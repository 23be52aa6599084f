from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from awards import admin_views
from awards.models import Category, Program

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


class VotesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("awards.view_vote")


class VoteModerationViewSet(ViewSet):
    """Votes, voiding (one by one or by filter), the void log and the votes CSV."""

    name = "award_votes"
    url_prefix = "awards/votes"
    menu_icon = "tick-inverse"
    menu_label = "Votes"
    menu_order = 10
    menu_hook = AWARDS_MENU_HOOK
    menu_item_class = VotesMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.vote_list, name="index"),
            path("<int:pk>/void/", admin_views.void_one, name="void_one"),
            path("void/", admin_views.void_matching, name="void_matching"),
            path("log/", admin_views.void_log, name="log"),
            path("category/<int:pk>/votes.csv", admin_views.votes_csv, name="votes_csv"),
        ]

    @property
    def menu_url(self):
        return reverse("award_votes:index")


register_snippet(AwardsGroup)


@hooks.register("register_admin_viewset")
def register_vote_moderation():
    return VoteModerationViewSet()
