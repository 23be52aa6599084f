"""The outbox in the Wagtail admin: emails waiting or failed, and "retry now".

Rows hold visitors' email addresses: moderators and administrators only
(core.view_outboxemail to look, core.change_outboxemail to retry).
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import outbox
from core.models import OutboxEmail

ROWS_PER_PAGE = 50
Status = OutboxEmail.Status
SHOWN = {"waiting": [Status.PENDING], "failed": [Status.FAILED]}

view_outbox = permission_required("core.view_outboxemail", raise_exception=True)
retry_outbox = permission_required("core.change_outboxemail", raise_exception=True)


@view_outbox
def outbox_list(request):
    shown = request.GET.get("show", "waiting")
    statuses = SHOWN.get(shown, SHOWN["waiting"])
    rows = OutboxEmail.objects.filter(status__in=statuses).order_by("next_attempt_at", "pk")
    if shown == "failed":
        rows = rows.order_by("-finished_at", "-pk")
    counts = dict(OutboxEmail.objects.values_list("status").annotate(Count("pk")).order_by())
    context = {
        "page": Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("p")),
        "shown": shown if shown in SHOWN else "waiting",
        "waiting": counts.get(Status.PENDING, 0),
        "failed": counts.get(Status.FAILED, 0),
        "can_retry": request.user.has_perm("core.change_outboxemail"),
    }
    return render(request, "core/admin/outbox.html", context)


@require_POST
@retry_outbox
def retry(request):
    """Retry the ticked rows, or every waiting and failed one ("all")."""
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
