"""Sponsorships in the admin: listings of sponsors, packages, campaigns, creatives and our
own promotions (Wagtail's snippet viewsets: filters, search, sorting, pagination, bulk
actions), approving creatives, campaign reports, and a dashboard panel."""

import django_filters
from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from sponsors import admin_views
from sponsors.models import Campaign, Creative, HousePromotion, Package, Sponsor

APPROVE_PERMISSION = "sponsors.approve_creative"


class SponsorViewSet(SnippetViewSet):
    model = Sponsor
    icon = "group"
    menu_label = "Sponsors"
    list_display = ["name", "site", "contact_email", "token"]
    search_fields = ["name", "contact_name", "contact_email"]
    search_backend_name = None
    ordering = "name"

    def get_queryset(self, request):
        return Sponsor.objects.select_related("token")


class PackageViewSet(SnippetViewSet):
    model = Package
    icon = "tag"
    menu_label = "Packages"
    list_display = ["name", "price", "duration_days", "sort_order"]
    ordering = ["sort_order", "name"]


class CampaignFilterSet(WagtailFilterSet):
    when = django_filters.ChoiceFilter(
        label="When",
        choices=[("running", "Running today"), ("upcoming", "Upcoming"), ("ended", "Ended")],
        empty_label="Any time",
        method="by_when",
    )

    class Meta:
        model = Campaign
        fields = ["sponsor", "package"]

    def by_when(self, queryset, name, value):
        today = timezone.localdate()
        return {
            "running": queryset.running_on(today),
            "upcoming": queryset.filter(starts_on__gt=today),
            "ended": queryset.filter(ends_on__lt=today),
        }.get(value, queryset)


class CampaignIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            ListingButton(
                "Report", reverse("sponsor_reports:detail", args=[instance.pk]), icon_name="table", priority=5
            )
        )
        return buttons


class CampaignViewSet(SnippetViewSet):
    model = Campaign
    icon = "date"
    menu_label = "Campaigns"
    index_view_class = CampaignIndexView
    list_display = [
        "name",
        "sponsor",
        "package",
        "starts_on",
        "ends_on",
        Column("slots", label="Slots", accessor="slot_labels"),
    ]
    filterset_class = CampaignFilterSet
    search_fields = ["name", "sponsor__name"]
    search_backend_name = None
    ordering = "-starts_on"

    def get_queryset(self, request):
        return Campaign.objects.select_related("sponsor", "package")


class CreativeFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[("awaiting", "Awaiting approval"), ("approved", "Approved")],
        empty_label="Any",
        method="by_status",
    )

    class Meta:
        model = Creative
        fields = ["kind", "campaign"]

    def by_status(self, queryset, name, value):
        return queryset.filter(approved_at__isnull=value == "awaiting")


class CreativeIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if not instance.is_approved and self.request.user.has_perm(APPROVE_PERMISSION):
            url = reverse("sponsor_reports:approve", args=[instance.pk])
            buttons.append(ListingButton("Approve", url, icon_name="check", priority=5))
        return buttons


class CreativeViewSet(SnippetViewSet):
    model = Creative
    icon = "image"
    menu_label = "Creatives"
    index_view_class = CreativeIndexView
    list_display = [
        "name",
        "campaign",
        "kind",
        Column("status", label="Status", accessor="status"),
        "approved_by",
        "approved_at",
        "updated_at",
    ]
    filterset_class = CreativeFilterSet
    search_fields = ["name", "headline", "campaign__name", "campaign__sponsor__name"]
    search_backend_name = None
    ordering = "-updated_at"

    def get_queryset(self, request):
        return Creative.objects.select_related("campaign__sponsor", "approved_by")


class HousePromotionViewSet(SnippetViewSet):
    model = HousePromotion
    icon = "pick"
    menu_label = "Our promotions"
    list_display = ["name", "kind", Column("slots", label="Slots", accessor="slot_labels"), "active"]
    list_filter = ["active", "kind"]
    search_fields = ["name", "headline"]
    search_backend_name = None


class SponsorshipsGroup(SnippetViewSetGroup):
    menu_label = "Sponsorships"
    menu_icon = "pick"
    menu_order = 330
    items = (SponsorViewSet, PackageViewSet, CampaignViewSet, CreativeViewSet, HousePromotionViewSet)


register_snippet(SponsorshipsGroup)


class SponsorReportsViewSet(ViewSet):
    """Campaign reports, report links and approval (reached from the listings' buttons)."""

    name = "sponsor_reports"
    url_prefix = "sponsorships"

    def get_urlpatterns(self):
        return [
            path("campaigns/<int:pk>/report/", admin_views.campaign_report, name="detail"),
            path("campaigns/<int:pk>/report.csv", admin_views.campaign_report_csv, name="csv"),
            path("campaigns/<int:pk>/links/", admin_views.create_link, name="create_link"),
            path(
                "campaigns/<int:pk>/links/<int:link_pk>/revoke/", admin_views.revoke_link, name="revoke_link"
            ),
            path("creatives/<int:pk>/approve/", admin_views.approve, name="approve"),
        ]


@hooks.register("register_admin_viewset")
def register_reports():
    return SponsorReportsViewSet()


class ApproveBulkAction(SnippetBulkAction):
    display_name = "Approve"
    action_type = "approve"
    aria_label = "Approve the selected creatives"
    template_name = "sponsors/admin/confirm_bulk_approve.html"
    models = [Creative]

    def check_perm(self, creative):
        return self.request.user.has_perm(APPROVE_PERMISSION) and not creative.is_approved

    def get_execution_context(self):
        return {"user": self.request.user}

    @classmethod
    def execute_action(cls, creatives, user=None, **kwargs):
        if user is None or not user.has_perm(APPROVE_PERMISSION):
            return 0, 0
        return len(admin_views.approve_creatives(creatives, user)), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return f"{num_parent_objects} creative{'s' if num_parent_objects != 1 else ''} approved."


hooks.register("register_bulk_action", ApproveBulkAction)


@hooks.register("register_log_actions")
def register_approve_log_action(actions):
    actions.register_action(admin_views.APPROVE_LOG_ACTION, "Approve creative", "Creative approved")


class SponsorshipPanel(Component):
    """Campaigns running today and creatives awaiting approval, in three queries."""

    name = "sponsorships"
    order = 160
    template_name = "sponsors/admin/dashboard_panel.html"
    SHOWN = 10

    def __init__(self, user):
        self.user = user

    @cached_property
    def context(self):
        today = timezone.localdate()
        running = list(
            Campaign.objects.running_on(today)
            .select_related("sponsor", "package")
            .annotate(approved=Count("creatives", filter=Q(creatives__approved_at__isnull=False)))
            .order_by("ends_on", "pk")[: self.SHOWN]
        )
        awaiting = Creative.objects.awaiting_approval()
        waiting = awaiting.select_related("campaign__sponsor").order_by("updated_at", "pk")
        waiting = list(waiting[: self.SHOWN])
        waiting_count = len(waiting) if len(waiting) < self.SHOWN else awaiting.count()
        return {
            "running": running,
            "awaiting": waiting,
            "awaiting_count": waiting_count,
            "can_approve": self.user.has_perm(APPROVE_PERMISSION),
            "campaigns_url": reverse(Campaign.snippet_viewset.get_url_name("list")) + "?when=running",
            "creatives_url": reverse(Creative.snippet_viewset.get_url_name("list")) + "?status=awaiting",
        }

    def get_context_data(self, parent_context):
        return self.context


@hooks.register("construct_homepage_panels")
def add_sponsorship_panel(request, panels):
    if request.user.has_perm("sponsors.view_campaign") or request.user.has_perm("sponsors.view_creative"):
        panels.append(SponsorshipPanel(request.user))
