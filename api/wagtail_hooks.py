"""API keys in the Wagtail admin: listed, searched, filtered, sorted and revoked.

Keys are made by the email flow (api.views) and kept as the record of who had one, so
here they are only looked at and revoked: nobody adds, edits or deletes one, not even a
superuser. Seeing them takes "view" and revoking takes "revoke" (api.revoke_apikey);
Moderators have both (migration 0003), Editors neither. Only a key's first part is ever
shown; the key itself was shown once, to its owner, and is not stored.
"""

import django_filters
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic import IndexView, InspectView, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import KEY_PREFIX, ApiKey

REVOKE_LOG_ACTION = "api.revoke_key"


class ApiKeyPermissionPolicy(ModelPermissionPolicy):
    READ_ONLY = {"add", "change", "delete"}

    def user_has_permission(self, user, action):
        return action not in self.READ_ONLY and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(set(actions) - self.READ_ONLY)


policy = ApiKeyPermissionPolicy(ApiKey)
register_permission_policy(ApiKey, policy)


def revoke_keys(keys, user):
    """Revoke the active ones among ``keys``, each in the audit log; return how many."""
    revoked = ApiKey.revoke(keys)
    for key in revoked:
        log(key, REVOKE_LOG_ACTION, user=user)
    return len(revoked)


def search_keys(queryset, query):
    """By email, or by a key's first part, written as the owner sees it (trk_1a2b3c4d, or
    the whole key pasted from a support mail) or bare (1a2b3c4d)."""
    query = query.strip()
    parts = query.split("_")
    prefix = parts[1] if len(parts) > 1 and parts[0] == KEY_PREFIX else query
    return queryset.filter(Q(email__icontains=query) | Q(prefix__istartswith=prefix))


class ApiKeyFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[("active", "Active"), ("revoked", "Revoked")],
        empty_label="Any",
        method="by_status",
    )

    class Meta:
        model = ApiKey
        fields = []

    def by_status(self, queryset, name, value):
        return queryset.filter(revoked_at__isnull=value == "active")


class ApiKeyIndexView(IndexView):
    def search_queryset(self, queryset):
        return search_keys(queryset, self.search_query) if self.is_searching else queryset

    @cached_property
    def columns(self):
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="apikey"),
            self._get_title_column("key_prefix"),
            Column("email", label="Email", sort_key="email"),
            DateColumn("created_at", label="Created", sort_key="created_at"),
            DateColumn("revoked_at", label="Revoked", sort_key="revoked_at"),
        ]

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.revoked_at is None and self.user_has_permission("revoke"):
            url = reverse("api_keys:revoke", args=[instance.pk])
            buttons.append(ListingButton("Revoke", url, icon_name="cross", priority=10))
        return buttons


class ApiKeyInspectView(InspectView):
    def get_key_prefix_display_value(self):
        return self.object.key_prefix()

    def get_revoked_at_display_value(self):
        return self.object.revoked_at or "Active: not revoked"


class RevokeView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Asks, then revokes one key; the API refuses it from the next request."""

    permission_policy = policy
    permission_required = "revoke"
    template_name = "api/admin/confirm_revoke.html"
    page_title = "Revoke"
    header_icon = "key"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.key = get_object_or_404(ApiKey, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.key)

    def get_breadcrumbs_items(self):
        index = {"url": reverse("api_keys:index"), "label": "API keys"}
        return [*super().get_breadcrumbs_items(), index, {"url": "", "label": str(self.key)}]

    def post(self, request, *args, **kwargs):
        if revoke_keys([self.key], request.user):
            messages.success(request, f"{self.key} is revoked: the API refuses it from now on.")
        else:
            messages.warning(request, f"{self.key} was already revoked.")
        return redirect("api_keys:index")


class ApiKeyViewSet(ModelViewSet):
    model = ApiKey
    name = "api_keys"
    url_prefix = "api-keys"
    icon = "key"
    menu_label = "API keys"
    menu_order = 320
    add_to_admin_menu = True
    index_view_class = ApiKeyIndexView
    index_template_name = "api/admin/apikey_index.html"  # the generic one, with bulk actions
    ordering = "-created_at"
    filterset_class = ApiKeyFilterSet
    search_fields = ["email", "prefix"]  # turns the search box on; search_keys does the search
    inspect_view_enabled = True
    inspect_view_class = ApiKeyInspectView
    inspect_view_fields = ["key_prefix", "email", "created_at", "revoked_at"]
    copy_view_enabled = False
    # Never offered (the policy refuses adding and editing), but the generic views want a form.
    form_fields = ["email"]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("revoke/<int:pk>/", RevokeView.as_view(), name="revoke")]


class RevokeBulkAction(PermissionCheckedMixin, BulkAction):
    display_name = "Revoke"
    action_type = "revoke"
    aria_label = "Revoke the selected API keys"
    template_name = "api/admin/confirm_bulk_revoke.html"
    models = [ApiKey]
    classes = {"serious"}
    permission_policy = policy
    permission_required = "revoke"

    def check_perm(self, key):
        return key.revoked_at is None

    def get_all_objects_in_listing_query(self, parent_id):
        """"Select all" means all that the listing shows, with its search and filter."""
        keys = ApiKey.objects.all()
        if query := self.request.GET.get("q"):
            keys = search_keys(keys, query)
        return ApiKeyFilterSet(self.request.GET, queryset=keys).qs.values_list("pk", flat=True)

    def get_execution_context(self):
        return {"user": self.request.user}

    @classmethod
    def execute_action(cls, keys, user=None, **kwargs):
        return revoke_keys(keys, user), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return f"{num_parent_objects} API key{'s' if num_parent_objects != 1 else ''} revoked."


@hooks.register("register_admin_viewset")
def register_api_keys():
    return ApiKeyViewSet()


hooks.register("register_bulk_action", RevokeBulkAction)


@hooks.register("register_log_actions")
def register_revoke_log_action(actions):
    actions.register_action(REVOKE_LOG_ACTION, "Revoke API key", "API key revoked")
