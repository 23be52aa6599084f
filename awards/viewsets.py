"""Awards > Votes and the void log as Wagtail listings: filters, sorting, pagination, and
voiding (the ticked votes as a bulk action, one vote from its row, or every vote a
narrowing filter matches), beside the votes CSV (admin_views).

Votes are cast by voters and voided by moderators, never edited: the permission policy
refuses Wagtail's add, edit and delete views to everyone, superusers too; "view" is
awards.view_vote and "void" awards.void_vote (Moderators).
"""

from django.urls import path
from django.utils.functional import cached_property
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn, UserColumn
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from awards import admin_views, voting
from awards.filters import VoteFilterSet
from awards.forms import VoidForm
from awards.models import Category, VoidRecord, Vote
from core.admin import AllPermissionsRegistered, NoFormsPolicy

VOTES_PER_PAGE = 50


votes_policy = NoFormsPolicy(Vote)
register_permission_policy(Vote, votes_policy)


class VoidRecordPolicy(NoFormsPolicy):
    """The void log is for those who may see votes."""

    def user_has_permission(self, user, action):
        return action == "view" and votes_policy.user_has_permission(user, "view")

    def users_with_any_permission(self, actions):
        return votes_policy.users_with_any_permission(["view"] if "view" in actions else [])


register_permission_policy(VoidRecord, VoidRecordPolicy(VoidRecord))


class FilterLinkColumn(Column):
    """A value that links to the listing filtered by it (all votes from that domain, that IP)."""

    cell_template_name = "awards/admin/filter_link_cell.html"


class VoteStatusColumn(Column):
    cell_template_name = "awards/admin/vote_status_cell.html"


class VoidOneColumn(Column):
    cell_template_name = "awards/admin/void_one_cell.html"


class VoteIndexView(IndexView):
    default_ordering = "-confirmed_at"

    def get_base_queryset(self):
        return Vote.objects.select_related("category", "nominee")

    def order_queryset(self, queryset):
        ordered = super().order_queryset(queryset)
        return ordered.order_by(*ordered.query.order_by, "pk" if self.ordering == "confirmed_at" else "-pk")

    def filter_queryset(self, queryset):
        if self.filters.is_bound_and_invalid:
            return queryset.none()  # a filter that cannot be read shows nothing, not everything
        return super().filter_queryset(queryset)

    @cached_property
    def can_void(self):
        return self.user_has_permission("void")

    @cached_property
    def columns(self):
        columns = [
            DateColumn("confirmed_at", label="Confirmed", sort_key="confirmed_at"),
            Column("category", label="Category", accessor="category.title", sort_key="category__title"),
            Column("nominee", label="Nominee", accessor="nominee.name", sort_key="nominee__name"),
            FilterLinkColumn("email_domain", label="Email domain", sort_key="email_domain"),
            FilterLinkColumn("ip_hash", label="IP hash", sort_key="ip_hash"),
            VoteStatusColumn("status", label="Status"),
        ]
        if self.can_void:
            columns.insert(0, BulkActionsCheckboxColumn("bulk_actions", obj_type="vote"))
            columns.append(VoidOneColumn("void", label="Void"))
        return columns

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        filters = self.filters
        context.update(
            can_void=self.can_void,
            filter_errors=filters.form.non_field_errors() if filters.is_bound_and_invalid else [],
            bulk_filter=self.can_void and filters.narrows(),
            categories=Category.objects.select_related("program"),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.filters.is_bound_and_invalid:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class VoteViewSet(AllPermissionsRegistered, ModelViewSet):
    """Votes, voiding (one, the ticked ones, or by filter), the void log and the votes CSV."""

    model = Vote
    name = "award_votes"
    url_prefix = "awards/votes"
    icon = "tick-inverse"
    menu_label = "Votes"
    menu_order = 10
    index_view_class = VoteIndexView
    index_template_name = "awards/admin/vote_index.html"
    index_results_template_name = "awards/admin/vote_index_results.html"
    filterset_class = VoteFilterSet
    list_per_page = VOTES_PER_PAGE
    copy_view_enabled = False
    form_fields = ["void_reason"]  # never offered (the policy refuses forms); the generic views want one

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/void/", admin_views.void_one, name="void_one"),
            path("void/", admin_views.void_matching, name="void_matching"),
            path("category/<int:pk>/votes.csv", admin_views.votes_csv, name="votes_csv"),
        ]


def describe_vote(vote):
    return f"#{vote.pk}: {vote.category.title} → {vote.nominee.name} ({vote.email_domain})"


class VoidLogIndexView(IndexView):
    default_ordering = "-created_at"

    def get_base_queryset(self):
        return VoidRecord.objects.select_related("vote__category", "vote__nominee", "moderator")

    columns = [
        DateColumn("created_at", label="When", sort_key="created_at"),
        UserColumn("moderator", label="Moderator", blank_display_name="(deleted user)"),
        Column("vote", label="Vote", accessor=lambda record: describe_vote(record.vote)),
        Column("reason", label="Reason"),
        Column("selection", label="Selected by"),
    ]


class VoidLogViewSet(ModelViewSet):
    """Awards > Votes > Void log: who voided which vote, when and why."""

    model = VoidRecord
    name = "award_void_log"
    url_prefix = "awards/votes/log"
    icon = "history"
    menu_label = "Void log"
    add_to_admin_menu = False
    index_view_class = VoidLogIndexView
    list_filter = ["moderator"]
    search_fields = ["reason", "selection"]
    list_per_page = VOTES_PER_PAGE
    copy_view_enabled = False
    form_fields = ["reason"]  # never offered

    def register_menu_item(self):
        pass  # reached from the Votes page


class VoidBulkAction(PermissionCheckedMixin, BulkAction):
    """Void the ticked votes, or with "select all" every vote the listing's filter shows."""

    display_name = "Void"
    action_type = "void"
    aria_label = "Void the selected votes"
    template_name = "awards/admin/confirm_bulk_void.html"
    models = [Vote]
    classes = {"serious"}
    permission_policy = votes_policy
    permission_required = "void"
    form_class = VoidForm

    @classmethod
    def get_queryset(cls, model, object_ids):
        votes = Vote.objects.filter(pk__in=object_ids).select_related("category", "nominee")
        return list(votes.order_by("pk"))

    def check_perm(self, vote):
        return vote.voided_at is None

    refused_all = False

    def get_all_objects_in_listing_query(self, parent_id):
        """"Select all" reaches every vote the listing's filter shows, once that filter
        singles votes out (an IP hash, a domain, a time range), as voiding by filter does."""
        filters = VoteFilterSet(self.request.GET, queryset=Vote.objects.all())
        if not filters.narrows():
            self.refused_all = True
            return []
        return filters.qs.values_list("pk", flat=True)

    def get_execution_context(self):
        return {"reason": self.cleaned_form.cleaned_data["reason"], "moderator": self.request.user}

    @classmethod
    def execute_action(cls, votes, reason=None, moderator=None, **kwargs):
        chosen = Vote.objects.filter(pk__in=[vote.pk for vote in votes])
        selection = "one vote" if len(votes) == 1 else f"{len(votes)} votes ticked"
        return voting.void(chosen, reason=reason, moderator=moderator, selection=selection), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return f"{num_parent_objects} vote{'s' if num_parent_objects != 1 else ''} voided."
