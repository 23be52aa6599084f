"""The ratings desk on the admin home: how the last refresh went."""

import datetime

from django.db.models import Count, Subquery, Value
from django.db.models.functions import Coalesce

from core.dashboard import DashboardPanel
from ratings.models import RefreshRun

Status = RefreshRun.Status
THE_BEGINNING = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class LastRefreshPanel(DashboardPanel):
    """When the last refresh ran, what it graded, how many tokens went stale, what it could
    not use, and how many runs failed since the last good one: two queries whatever the
    history. Shown to those who may see refreshes (ratings.view_refreshrun)."""

    name = "ratings_last_refresh"
    template_name = "ratings/admin/last_refresh_panel.html"
    order = 160

    def get_context_data(self, parent_context):
        last = RefreshRun.objects.order_by("-started_at", "-pk").first()
        good = RefreshRun.objects.filter(status=Status.DONE)
        last_good = good.order_by("-started_at").values("started_at")[:1]
        failed_since = (
            RefreshRun.objects.filter(status__in=[Status.FAILED, Status.REJECTED])
            .filter(started_at__gt=Coalesce(Subquery(last_good), Value(THE_BEGINNING)))
            .aggregate(runs=Count("pk"))["runs"]
        )
        return {"last": last, "failed_since_good": failed_since, "good": last and last.status == Status.DONE}


def panels_for(request, panels):
    if request.user.has_perm("ratings.view_refreshrun"):
        panels.append(LastRefreshPanel())


