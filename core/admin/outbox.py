"""Settings > Outbox as a Wagtail listing: emails waiting or failed, searched, filtered,
sorted and paginated, and "retry now" for one, the ticked ones, or all.

Rows hold visitors' email addresses: moderators and administrators only
(core.view_outboxemail to look, core.change_outboxemail to retry). Nobody adds, edits or
deletes a row in the admin: the outbox writes them.
"""

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from core import outbox
from core.admin import AllPermissionsRegistered, NoFormsPolicy
from core.models import OutboxEmail

ROWS_PER_PAGE = 50
Status = OutboxEmail.Status
SHOWN = {"waiting": [Status.PENDING], "failed": [Status.FAILED]}
# Waiting emails by when they are tried next; failed ones, the latest first.
DEFAULT_ORDER = {"waiting": "next_attempt_at", "failed": "-finished_at"}


policy = NoFormsPolicy(OutboxEmail, aliases={"retry": "change"})
register_permission_policy(OutboxEmail, policy)


def shown_in(request):
    shown = request.GET.get("show", "waiting")
    return shown if shown in SHOWN else "waiting"


class OutboxFilterSet(WagtailFilterSet):
    kind = django_filters.CharFilter(label="Kind of email", help_text="e.g. awards.ballot")
    created_at = django_filters.DateFromToRangeFilter(label="Asked for", widget=DateRangePickerWidget)

    class Meta:
        model = OutboxEmail
        fields = []


class RetryColumn(Column):
    cell_template_name = "core/admin/outbox_retry_cell.html"


class OutboxIndexView(IndexView):
    @cached_property
    def shown(self):
        return shown_in(self.request)

    @cached_property
    def default_ordering(self):
        return DEFAULT_ORDER[self.shown]

    def get_base_queryset(self):
        emails = OutboxEmail.objects.filter(status__in=SHOWN[self.shown])
        return emails.defer("text", "html", "params", "headers")

    def order_queryset(self, queryset):
        ordered = super().order_queryset(queryset)
        return ordered.order_by(*ordered.query.order_by, "-pk" if self.ordering.startswith("-") else "pk")

    @cached_property
    def can_retry(self):
        return self.user_has_permission("retry")

    @cached_property
    def columns(self):
        moment = (
            DateColumn("finished_at", label="Failed", sort_key="finished_at")
            if self.shown == "failed"
            else DateColumn("next_attempt_at", label="Next attempt", sort_key="next_attempt_at")
        )
        columns = [
            Column("to", label="To", sort_key="to"),
            Column("subject", label="Email", accessor=lambda row: row.subject or row.kind, sort_key="kind"),
            DateColumn("created_at", label="Asked for", sort_key="created_at"),
            Column("attempts", label="Attempts", sort_key="attempts"),
            moment,
            Column("last_error", label="Last error"),
        ]
        if self.can_retry:
            columns.insert(0, BulkActionsCheckboxColumn("bulk_actions", obj_type="outboxemail"))
            columns.append(RetryColumn("retry", label=""))
        return columns

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        counts = dict(OutboxEmail.objects.values_list("status").annotate(Count("pk")).order_by())
        context.update(
            shown=self.shown,
            waiting=counts.get(Status.PENDING, 0),
            failed=counts.get(Status.FAILED, 0),
            can_retry=self.can_retry,
        )
        return context

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return super().no_results_message
        if self.shown == "failed":
            return "No email has failed."
        return "Nothing is waiting: every email has gone out."


@require_POST
@permission_required("core.change_outboxemail", raise_exception=True)
def retry(request):
    """Retry one row ("id"), or every waiting and failed one ("all")."""
    if request.POST.get("all"):
        unsent = OutboxEmail.objects.filter(status__in=[Status.PENDING, Status.FAILED])
        pks = unsent.values_list("pk", flat=True)
    else:
        try:
            pks = [int(pk) for pk in request.POST.getlist("id")]
        except ValueError:
            messages.error(request, "Choose emails to retry.")
            return redirect(reverse("outbox:index"))
    count = outbox.retry_now(list(pks))
    if count:
        messages.success(request, f"{count} email{'s' if count != 1 else ''} will be tried again now.")
    else:
        messages.warning(request, "Nothing to retry: those emails have been sent or are gone.")
    shown = request.POST.get("show")
    return redirect(reverse("outbox:index") + (f"?show={shown}" if shown in SHOWN else ""))


class OutboxViewSet(AllPermissionsRegistered, ModelViewSet):
    """Settings > Outbox: emails visitors asked for that are waiting or failed."""

    model = OutboxEmail
    name = "outbox"
    url_prefix = "outbox"
    icon = "mail"
    menu_label = "Outbox"
    add_to_settings_menu = True
    index_view_class = OutboxIndexView
    index_template_name = "core/admin/outbox_index.html"
    filterset_class = OutboxFilterSet
    search_fields = ["to", "subject"]
    list_per_page = ROWS_PER_PAGE
    copy_view_enabled = False
    form_fields = ["to"]  # never offered (the policy refuses forms); the generic views want one

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("retry/", retry, name="retry")]


class RetryBulkAction(PermissionCheckedMixin, BulkAction):
    display_name = "Retry now"
    action_type = "retry"
    aria_label = "Retry the selected emails now"
    template_name = "core/admin/confirm_bulk_retry.html"
    models = [OutboxEmail]
    permission_policy = policy
    permission_required = "retry"

    @classmethod
    def get_queryset(cls, model, object_ids):
        return list(OutboxEmail.objects.filter(pk__in=object_ids).defer("text", "html").order_by("pk"))

    def check_perm(self, email):
        return email.status in (Status.PENDING, Status.FAILED)

    def get_all_objects_in_listing_query(self, parent_id):
        """"Select all" means all that the listing shows, with its tab, search and filter."""
        emails = OutboxEmail.objects.filter(status__in=SHOWN[shown_in(self.request)])
        if query := self.request.GET.get("q"):
            emails = emails.filter(Q(to__icontains=query) | Q(subject__icontains=query))
        return OutboxFilterSet(self.request.GET, queryset=emails).qs.values_list("pk", flat=True)

    @classmethod
    def execute_action(cls, emails, **kwargs):
        return outbox.retry_now([email.pk for email in emails]), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        if not num_parent_objects:
            return "Nothing to retry: those emails have been sent or are gone."
        return f"{num_parent_objects} email{'s' if num_parent_objects != 1 else ''} will be tried again now."
