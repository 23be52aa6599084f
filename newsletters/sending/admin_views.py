"""Moderator views in the Wagtail admin: a send's page and its progress; pause, resume, cancel;
retry failed deliveries; send a published issue that has not gone out yet."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from newsletters.models import NewsletterIssuePage, Send, Subscriber, Subscription
from newsletters.sending import controls, progress, sends

SENDS_PER_PAGE = 20
FAILURES_SHOWN = 50

view_sends = permission_required("newsletters.view_send", raise_exception=True)
control_sends = permission_required("newsletters.change_send", raise_exception=True)
start_sends = permission_required("newsletters.add_send", raise_exception=True)

ACTIONS = {
    "pause": (controls.pause, "Paused. Workers stop within a second; resume to carry on where it stopped."),
    "resume": (controls.resume, "Resumed: workers are on it again, trying the mail server now."),
    "cancel": (controls.cancel, "Cancelled. Nothing more goes out; unsent deliveries are now cancelled."),
}


def unsent_issues():
    """Published issues nobody has sent, newest first."""
    return (
        NewsletterIssuePage.objects.live()
        .filter(~Exists(Send.objects.filter(issue=OuterRef("pk"))))
        .defer_streamfields()
        .order_by("-first_published_at")
    )


def failed_rows(send, show_addresses):
    """(delivery, address, error) of the latest failures. Addresses are for those who may see
    subscribers (moderators); others get "(hidden)", also where the server's error quoted it."""
    failures = send.deliveries.filter(status="failed").select_related("subscriber").order_by("-pk")
    for delivery in failures[:FAILURES_SHOWN]:
        address, error = delivery.subscriber.email, delivery.error
        if not show_addresses:
            address, error = "(hidden)", error.replace(address, "(hidden)")
        yield delivery, address, error


def detail_context(request, send):
    (summary,) = progress.progress([send])
    return {
        "send": send,
        "progress": summary,
        "failures": list(failed_rows(send, request.user.has_perm("newsletters.view_subscriber"))),
        "failure_counts": controls.failure_counts(send),
        "can_retry": send.status not in (Send.Status.QUEUED, Send.Status.CANCELLED),
        "can_control": request.user.has_perm("newsletters.change_send"),
    }


def refused(request, send, error):
    messages.error(request, str(error))
    return render(request, "newsletters/admin/send_detail.html", detail_context(request, send), status=409)


@view_sends
def send_detail(request, pk):
    send = get_object_or_404(Send.objects.select_related("issue", "requested_by"), pk=pk)
    return render(request, "newsletters/admin/send_detail.html", detail_context(request, send))


@view_sends
def progress_json(request):
    """{"sends": [...]} for ?id=1&id=2: what the progress script polls."""
    try:
        ids = [int(value) for value in request.GET.getlist("id")][:SENDS_PER_PAGE]
    except ValueError:
        return JsonResponse({"error": "id must be a whole number"}, status=400)
    sends = list(Send.objects.filter(pk__in=ids).order_by("pk"))
    return JsonResponse({"sends": progress.progress(sends)})


@require_POST
@control_sends
def change_send(request, pk, action):
    send = get_object_or_404(Send.objects.select_related("issue", "requested_by"), pk=pk)
    change, done = ACTIONS[action]
    try:
        change(send)
    except controls.NotAllowed as error:
        return refused(request, send, error)
    messages.success(request, f"“{send.subject}”: {done}")
    return redirect("newsletter_sends:detail", pk=send.pk)


@require_POST
@control_sends
def retry_failed(request, pk):
    """Failed deliveries that gave up after temporary failures go out again."""
    send = get_object_or_404(Send.objects.select_related("issue", "requested_by"), pk=pk)
    try:
        retried = controls.retry_failed(send)
    except controls.NotAllowed as error:
        return refused(request, send, error)
    if not retried:
        messages.info(request, "No failed delivery can be retried: none gave up after temporary failures.")
    else:
        deliveries = "1 failed delivery goes" if retried == 1 else f"{retried} failed deliveries go"
        when = "now" if send.status == Send.Status.SENDING else "when the send carries on"
        messages.success(request, f"“{send.subject}”: {deliveries} out again {when}.")
    return redirect("newsletter_sends:detail", pk=send.pk)


@require_http_methods(["GET", "POST"])
@start_sends
def send_issue(request, issue_pk):
    """GET: who would get the issue; POST: send it to them."""
    issue = get_object_or_404(NewsletterIssuePage.objects.defer_streamfields(), pk=issue_pk)
    existing = Send.objects.filter(issue=issue).first()
    if existing:
        problem = "This issue has already been sent, or is being sent."
    elif not issue.live:
        problem = "Publish the issue before sending it."
    else:
        problem = None
    if request.method == "POST" and not problem:
        send, created = sends.queue_issue(issue, requested_by=request.user)
        if created:
            messages.success(request, f"Sending “{send.subject}”: progress below.")
        else:
            messages.warning(request, "Someone sent this issue a moment ago; here is its progress.")
        return redirect("newsletter_sends:detail", pk=send.pk)
    if request.method == "POST":
        messages.error(request, problem)
    recipients = Subscription.objects.filter(
        newsletter_id=issue.get_parent().pk, subscriber__status=Subscriber.Status.CONFIRMED
    ).count()
    context = {"issue": issue, "recipients": recipients, "problem": problem, "existing": existing}
    status = 409 if request.method == "POST" else 200
    return render(request, "newsletters/admin/send_issue.html", context, status=status)
