"""The reports' place in the Wagtail admin, under Newsletters beside Sends, and the listing
of the events they are counted from."""

import django_filters
from django.urls import path, reverse
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from core.admin import AllPermissionsRegistered, NoFormsPolicy
from newsletters.analytics import admin_views
from newsletters.models import Send, TrackingEvent


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("newsletters.view_send")


class NewsletterReportsViewSet(ViewSet):
    """Opens, clicks, bounces and unsubscribes per send and per newsletter."""

    name = "newsletter_reports"
    url_prefix = "newsletters/reports"
    menu_icon = "doc-full"
    menu_label = "Reports"
    menu_order = 20
    menu_item_class = ReportsMenuItem
    menu_hook = "register_newsletters_menu_item"  # newsletters.wagtail_hooks.NEWSLETTERS_MENU_HOOK

    def get_urlpatterns(self):
        return [
            path("", admin_views.index, name="index"),
            path("send/<int:pk>/", admin_views.send_report, name="send"),
            path("send/<int:pk>/csv/", admin_views.send_csv, name="send_csv"),
            path("newsletter/<int:pk>/", admin_views.newsletter_report, name="newsletter"),
            path("newsletter/<int:pk>/csv/", admin_views.newsletter_csv, name="newsletter_csv"),
        ]

    @property
    def menu_url(self):
        return reverse("newsletter_reports:index")


# Events are written by the tracking endpoints: looked at, never edited.
register_permission_policy(TrackingEvent, NoFormsPolicy(TrackingEvent))


class TrackingEventFilterSet(WagtailFilterSet):
    send = django_filters.ModelChoiceFilter(
        label="Send", queryset=Send.objects.order_by("-created_at"), empty_label="All sends"
    )
    kind = django_filters.ChoiceFilter(label="Kind", choices=TrackingEvent.Kind.choices, empty_label="Any")
    machine = django_filters.BooleanFilter(label="Judged a machine's")
    at = django_filters.DateFromToRangeFilter(label="When", widget=DateRangePickerWidget)

    class Meta:
        model = TrackingEvent
        fields = []


class TrackingEventViewSet(AllPermissionsRegistered, ModelViewSet):
    """Every open and click as stored, with why it was judged a machine's or a reader's:
    what the reports' figures are counted from."""

    model = TrackingEvent
    name = "newsletter_tracking_events"
    url_prefix = "newsletters/events"
    icon = "list-ul"
    menu_label = "Opens and clicks"
    menu_order = 30
    list_display = [
        "at",
        "kind",
        Column("send", accessor="send.subject", label="Send"),
        Column("link", accessor="link.url", label="Link"),
        "machine",
        "reason",
        "method",
        "user_agent",
    ]
    filterset_class = TrackingEventFilterSet
    search_fields = ["reason", "user_agent", "link__url"]
    ordering = "-at"
    list_per_page = 50
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["reason"]  # never offered (the policy refuses forms); the generic views want one

    def get_queryset(self, request):
        return TrackingEvent.objects.select_related("send", "link")
