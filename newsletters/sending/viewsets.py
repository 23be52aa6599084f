"""Newsletters > Sends as a Wagtail listing: filters, search, sorting, pagination and bulk
pause, resume and cancel, beside each send's own page (admin_views) with its progress,
controls and failed deliveries.

Sends are made by sending an issue and changed by the controls, never through a form: the
permission policy refuses Wagtail's generic add, edit and delete views to everyone, while
"view" (Editors and Moderators), "control" (change_send: Moderators) and "start"
(add_send: Moderators) keep their meaning.
"""

import django_filters
from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn, Table, TitleColumn
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from core.admin import AllPermissionsRegistered, NoFormsPolicy
from newsletters.models import NewsletterIssuePage, NewsletterPage, Send
from newsletters.sending import admin_views, controls, progress

policy = NoFormsPolicy(Send, aliases={"control": "change", "start": "add"})
register_permission_policy(Send, policy)


class SendFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label="Status", choices=Send.Status.choices, empty_label="Any")
    newsletter = django_filters.ModelChoiceFilter(
        label="Newsletter",
        queryset=NewsletterPage.objects.order_by("title"),
        empty_label="All newsletters",
        method="by_newsletter",
    )
    created_at = django_filters.DateFromToRangeFilter(label="Sent", widget=DateRangePickerWidget)

    class Meta:
        model = Send
        fields = []

    def by_newsletter(self, queryset, name, newsletter):
        return queryset.filter(issue__in=NewsletterIssuePage.objects.child_of(newsletter).values("pk"))


SORTED_UP = {"subject", "status", "recipients", "created_at", "started_at", "finished_at"}


class SendTable(Table):
    """Each row carries its send's id and status for the live progress script."""

    def get_row_attrs(self, instance):
        attrs = super().get_row_attrs(instance)
        return {**attrs, "data-send-progress": instance.pk, "data-status": instance.status}


class ProgressColumn(Column):
    """A figure from the send's progress, in a cell the progress script keeps current."""

    cell_template_name = "newsletters/admin/progress_cell.html"

    def get_value(self, instance):
        return instance.progress[self.name]


class StatusColumn(Column):
    cell_template_name = "newsletters/admin/send_status_cell.html"


class ControlsColumn(Column):
    cell_template_name = "newsletters/admin/send_controls_cell.html"


class SendIndexView(IndexView):
    table_class = SendTable
    default_ordering = "-created_at"

    def get_base_queryset(self):
        # The frozen bodies are large and the listing never shows them.
        return Send.objects.select_related("issue").defer("html", "text", "issue__body")

    def order_queryset(self, queryset):
        """A stable order for pagination: sends created in the same instant by id too."""
        ordered = super().order_queryset(queryset)
        return ordered.order_by(*ordered.query.order_by, "pk" if self.ordering in SORTED_UP else "-pk")

    def paginate_queryset(self, queryset, page_size):
        paginator, page, sends, is_paginated = super().paginate_queryset(queryset, page_size)
        sends = list(sends)
        for send, summary in zip(sends, progress.progress(sends), strict=True):
            send.progress = summary
        return paginator, page, sends, is_paginated

    @cached_property
    def can_control(self):
        return self.user_has_permission("control")

    @cached_property
    def columns(self):
        columns = [
            TitleColumn(
                "subject",
                label="Issue",
                sort_key="subject",
                get_url=lambda send: reverse("newsletter_sends:detail", args=[send.pk]),
            ),
            StatusColumn("status", label="Status", sort_key="status"),
            ProgressColumn("recipients", label="Recipients", sort_key="recipients"),
            ProgressColumn("sent", label="Sent"),
            ProgressColumn("failed", label="Failed"),
            ProgressColumn("left", label="Left"),
            ProgressColumn("per_minute", label="Per minute"),
            DateColumn("created_at", label="Created", sort_key="created_at"),
            DateColumn("started_at", label="Started", sort_key="started_at"),
            DateColumn("finished_at", label="Finished", sort_key="finished_at"),
        ]
        if self.can_control:
            columns.insert(0, BulkActionsCheckboxColumn("bulk_actions", obj_type="send"))
            columns.append(ControlsColumn("controls", label="Actions"))
        return columns

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["can_control"] = self.can_control
        context["can_start"] = self.user_has_permission("start")
        context["unsent"] = admin_views.unsent_issues()[:20] if context["can_start"] else []
        return context


class SendViewSet(AllPermissionsRegistered, ModelViewSet):
    """Sends and their live progress; pause, resume, cancel, retry failed; send an issue."""

    model = Send
    name = "newsletter_sends"
    url_prefix = "newsletters/sends"
    icon = "mail"
    menu_label = "Sends"
    menu_order = 10
    index_view_class = SendIndexView
    index_template_name = "newsletters/admin/send_index.html"
    index_results_template_name = "newsletters/admin/send_index_results.html"
    filterset_class = SendFilterSet
    search_fields = ["subject"]
    list_per_page = 20
    copy_view_enabled = False
    form_fields = ["subject"]  # never offered (the policy refuses forms); the generic views want one

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("progress.json", admin_views.progress_json, name="progress"),
            path("<int:pk>/", admin_views.send_detail, name="detail"),
            *(
                path(f"<int:pk>/{action}/", admin_views.change_send, {"action": action}, name=action)
                for action in admin_views.ACTIONS
            ),
            path("<int:pk>/retry-failed/", admin_views.retry_failed, name="retry_failed"),
            path("issue/<int:issue_pk>/", admin_views.send_issue, name="send_issue"),
        ]


class SendControlBulkAction(PermissionCheckedMixin, BulkAction):
    """Pause, resume or cancel the ticked sends; those whose status does not allow it are
    listed on the confirmation page and left alone."""

    models = [Send]
    permission_policy = policy
    permission_required = "control"
    template_name = "newsletters/admin/confirm_bulk_control.html"
    allowed_from = ()
    control = None
    done = ""

    @classmethod
    def get_queryset(cls, model, object_ids):
        return list(Send.objects.filter(pk__in=object_ids).defer("html", "text").order_by("-created_at"))

    def check_perm(self, send):
        return send.status in self.allowed_from

    def get_all_objects_in_listing_query(self, parent_id):
        """"Select all" means every send the listing shows, with its search and filter."""
        sends = Send.objects.all()
        if query := self.request.GET.get("q"):
            sends = sends.filter(subject__icontains=query)
        return SendFilterSet(self.request.GET, queryset=sends).qs.values_list("pk", flat=True)

    @classmethod
    def execute_action(cls, sends, **kwargs):
        changed = 0
        for send in sends:
            try:
                cls.control(send)
            except controls.NotAllowed:
                continue  # its status moved meanwhile (it finished, or another moderator acted)
            changed += 1
        return changed, 0

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "verb": self.display_name.lower(), "done": self.done}

    def get_success_message(self, num_parent_objects, num_child_objects):
        sends = "1 send" if num_parent_objects == 1 else f"{num_parent_objects} sends"
        return f"{sends} {self.done}."


class PauseBulkAction(SendControlBulkAction):
    display_name = "Pause"
    action_type = "pause"
    aria_label = "Pause the selected sends"
    allowed_from = (Send.Status.SENDING, Send.Status.WAITING)
    control = staticmethod(controls.pause)
    done = "paused"


class ResumeBulkAction(SendControlBulkAction):
    display_name = "Resume"
    action_type = "resume"
    aria_label = "Resume the selected sends"
    allowed_from = (Send.Status.PAUSED, Send.Status.WAITING)
    control = staticmethod(controls.resume)
    done = "resumed"


class CancelBulkAction(SendControlBulkAction):
    display_name = "Cancel"
    action_type = "cancel"
    aria_label = "Cancel the selected sends"
    allowed_from = (Send.Status.QUEUED, Send.Status.SENDING, Send.Status.PAUSED, Send.Status.WAITING)
    control = staticmethod(controls.cancel)
    done = "cancelled"
    classes = {"serious"}


BULK_ACTIONS = (PauseBulkAction, ResumeBulkAction, CancelBulkAction)
