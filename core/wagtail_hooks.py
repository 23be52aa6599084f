from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from core import admin_views


class OutboxMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("core.view_outboxemail")


class OutboxViewSet(ViewSet):
    """Settings > Outbox: emails visitors asked for that are waiting or failed."""

    name = "outbox"
    url_prefix = "outbox"
    menu_icon = "mail"
    menu_label = "Outbox"
    add_to_settings_menu = True
    menu_item_class = OutboxMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.outbox_list, name="index"),
            path("retry/", admin_views.retry, name="retry"),
        ]

    @property
    def menu_url(self):
        return reverse("outbox:index")


@hooks.register("register_admin_viewset")
def register_outbox():
    return OutboxViewSet()
