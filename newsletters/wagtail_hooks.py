from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from newsletters import dashboard
from newsletters.models import NewsletterIssuePage, Send, Subscriber
from newsletters.sending.viewsets import BULK_ACTIONS as SEND_BULK_ACTIONS
from newsletters.sending.viewsets import SendViewSet

NEWSLETTERS_MENU_HOOK = "register_newsletters_menu_item"


def newsletter_titles(subscriber):
    return ", ".join(subscription.newsletter.title for subscription in subscriber.subscriptions.all())


class SubscriberViewSet(SnippetViewSet):
    """Who is subscribed and where each address stands; editors look, they do not edit."""

    model = Subscriber
    icon = "user"
    menu_label = "Subscribers"
    list_display = [
        "email",
        "status",
        "status_reason",
        Column("newsletters", accessor=newsletter_titles),
        "confirmed_at",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["email"]
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Subscriber.objects.prefetch_related("subscriptions__newsletter")


class NewslettersGroup(SnippetViewSetGroup):
    menu_label = "Newsletters"
    menu_icon = "mail"
    menu_order = 310
    items = (SubscriberViewSet,)
    submenu_hook = NEWSLETTERS_MENU_HOOK


register_snippet(NewslettersGroup)


@hooks.register("register_admin_viewset")
def register_sends():
    return SendViewSet(menu_hook=NEWSLETTERS_MENU_HOOK)


for bulk_action in SEND_BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action)


@hooks.register("register_page_header_buttons")
def issue_send_button(page, user, view_name, next_url=None):
    """On an issue: its send's progress, or "Send to subscribers" once it is published."""
    if page.specific_class is not NewsletterIssuePage or not user.has_perm("newsletters.view_send"):
        return
    send_id = Send.objects.filter(issue_id=page.pk).values_list("pk", flat=True).first()
    if send_id:
        url, label = reverse("newsletter_sends:detail", args=[send_id]), "Sending progress"
    elif page.live and user.has_perm("newsletters.add_send"):
        url, label = reverse("newsletter_sends:send_issue", args=[page.pk]), "Send to subscribers"
    else:
        return
    yield PageMenuItem(label, url, icon_name="mail", priority=80, page=page)


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panels):
    dashboard.panels_for(request, panels)


@hooks.register("register_admin_viewset")
def register_reports():
    from newsletters.analytics.admin import NewsletterReportsViewSet

    return NewsletterReportsViewSet()


@hooks.register("register_admin_viewset")
def register_tracking_events():
    from newsletters.analytics.admin import TrackingEventViewSet

    return TrackingEventViewSet(menu_hook=NEWSLETTERS_MENU_HOOK)
