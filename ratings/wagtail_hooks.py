from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.admin import NoFormsPolicy

from . import dashboard
from .models import RefreshRun, Sector


class SectorViewSet(SnippetViewSet):
    model = Sector
    icon = "tag"
    menu_label = "Token categories"
    list_display = ["name", "slug"]
    search_fields = ["name"]


register_snippet(SectorViewSet)


# Refreshes are written by the refresh itself: looked at, never edited.
register_permission_policy(RefreshRun, NoFormsPolicy(RefreshRun))


class RefreshRunViewSet(ModelViewSet):
    """Ratings refreshes: each run's day, provider, outcome and figures, newest first."""

    model = RefreshRun
    name = "ratings_refreshes"
    url_prefix = "ratings/refreshes"
    icon = "history"
    menu_label = "Ratings refreshes"
    menu_order = 330
    add_to_admin_menu = True
    list_display = ["day", "provider", "status", "started_at", "finished_at"]
    list_display += ["tokens_graded", "tokens_stale", "rows_rejected"]
    list_filter = ["status", "provider"]
    search_fields = ["message", "provider"]
    ordering = "-started_at"
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["provider"]  # never offered (the policy refuses forms)


@hooks.register("register_admin_viewset")
def register_refreshes():
    return RefreshRunViewSet()


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panels):
    dashboard.panels_for(request, panels)
