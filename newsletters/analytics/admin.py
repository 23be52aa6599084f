"""The reports' place in the Wagtail admin: a ViewSet under Newsletters, beside Sends."""

from django.urls import path, reverse
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from newsletters.analytics import admin_views


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
