"""Sending an issue to its newsletter's confirmed subscribers, each exactly once.

queue_issue freezes the rendered issue in a Send. start creates one Delivery row per
recipient in one statement and fans out worker tasks (newsletters.sending.workers), which
claim batches and mark each delivery sent the moment the server has accepted it.
resume_stalled (Celery beat, every minute) restarts workers for sends whose work is
waiting with nobody on it, and sends held by a mail outage (newsletters.sending.outages)
whose next try is due. Moderators pause, resume, cancel and retry failed deliveries
through newsletters.sending.controls.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from newsletters.analytics import tracking
from newsletters.issues.rendering import render_issue
from newsletters.models import Delivery, Send, Subscriber, Subscription
from newsletters.sending.composing import fold_long_lines

# --- Starting ---


def queue_issue(issue, requested_by=None):
    """(send, created): the issue's Send, frozen from its current content; started on commit."""
    from newsletters.tasks import start_send  # tasks imports this module

    existing = Send.objects.filter(issue=issue).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            send = freeze(issue, requested_by)
    except IntegrityError:  # queued at the same moment by someone else
        return Send.objects.get(issue=issue), False
    # robust: with the broker down the publish (or the Send button) still answers; the send
    # stays queued and resume_stalled() starts it once beat reaches a worker again.
    transaction.on_commit(lambda: start_send.delay(send.pk), robust=True)
    return send, True


def freeze(issue, requested_by=None):
    """A new, queued Send holding what every recipient gets: the subject and both bodies as
    the issue renders now. It goes out once start() runs on it (queue_issue sees to that)."""
    rendered = render_issue(issue)
    # Each recipient's links and open image go in where tracking put its markers
    # (newsletters.analytics.tracking); folded shorter, so that lines stay within SMTP's
    # limit once the markers become URLs.
    tracked = tracking.track(rendered.html, rendered.text)
    send = Send.objects.create(
        issue=issue,
        requested_by=requested_by,
        subject=rendered.subject,
        html=fold_long_lines(tracked.html, width=500 if tracked.links else 800),
        text=tracked.text,
    )
    tracking.record_links(send, tracked.links)
    return send


def start(send_id):
    """Create the deliveries of a queued send, then set workers on it. Safe to call twice."""
    with transaction.atomic():
        send = Send.objects.select_for_update().get(pk=send_id)
        if send.status != Send.Status.QUEUED:
            return
        create_deliveries(send)
        send.recipients = send.deliveries.count()
        send.status = Send.Status.SENDING
        send.started_at = timezone.now()
        send.save(update_fields=["recipients", "status", "started_at"])
    if send.recipients:
        fan_out(send.pk)
    else:
        finish_if_done(send.pk)


def create_deliveries(send):
    """One pending delivery per confirmed subscriber of the issue's newsletter, in one statement."""
    delivery, subscriber, subscription = (
        model._meta.db_table for model in (Delivery, Subscriber, Subscription)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {delivery} (send_id, subscriber_id, status, attempts, error, failure)
            SELECT %s, s.id, 'pending', 0, '', ''
            FROM {subscriber} s JOIN {subscription} sub ON sub.subscriber_id = s.id
            WHERE sub.newsletter_id = %s AND s.status = 'confirmed'
            ON CONFLICT (send_id, subscriber_id) DO NOTHING
            """,  # noqa: S608 - table names from the models, values as parameters
            [send.pk, newsletter_id(send)],
        )


def newsletter_id(send):
    return send.issue.get_parent().pk


def fan_out(send_id):
    """One worker task per worker slot; extra tasks find nothing to claim and stop."""
    from newsletters.tasks import send_batches  # tasks imports this module

    for _ in range(settings.NEWSLETTERS_WORKERS):
        transaction.on_commit(lambda: send_batches.delay(send_id), robust=True)  # beat resumes it


def finish_if_done(send_id):
    if not Delivery.objects.filter(send_id=send_id, status__in=Delivery.UNFINISHED).exists():
        Send.objects.filter(pk=send_id, status=Send.Status.SENDING).update(
            status=Send.Status.FINISHED, finished_at=timezone.now()
        )


# --- Beat: sends nobody is working on ---


def claimable(now):
    """Pending rows due now, and claimed rows whose worker has let its lease run out."""
    due = Q(status=Delivery.Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    return due | Q(status=Delivery.Status.CLAIMED, claimed_until__lt=now)


def try_again(send_id, now=None):
    """Set a send held by a mail outage going again if its next try is due (a second early
    is due: the countdown task may run a moment before the clock it was timed by)."""
    due = (now or timezone.now()) + datetime.timedelta(seconds=1)
    with transaction.atomic():
        if Send.objects.filter(pk=send_id, status=Send.Status.WAITING, next_try_at__lte=due).update(
            status=Send.Status.SENDING, next_try_at=None
        ):
            fan_out(send_id)


def resume_stalled():
    """Restart work nobody is doing: queued sends whose start was lost, sends held by a mail
    outage whose next try is due (should its countdown task be lost), and sends with
    deliveries due (retries, expired claims) while no worker holds a live claim."""
    from newsletters.tasks import start_send  # tasks imports this module

    now = timezone.now()
    due = list(
        Send.objects.filter(status=Send.Status.WAITING, next_try_at__lte=now).values_list("pk", flat=True)
    )
    for send_id in due:
        try_again(send_id, now)
    for send_id in Send.objects.filter(
        status=Send.Status.QUEUED, created_at__lt=now - datetime.timedelta(minutes=1)
    ).values_list("pk", flat=True):
        start_send.delay(send_id)
    for send_id in (
        Send.objects.filter(status=Send.Status.SENDING).exclude(pk__in=due).values_list("pk", flat=True)
    ):
        unfinished = Delivery.objects.filter(send_id=send_id, status__in=Delivery.UNFINISHED)
        if not unfinished.exists():
            finish_if_done(send_id)
        elif unfinished.filter(claimable(now)).exists() and not unfinished.filter(
            status=Delivery.Status.CLAIMED, claimed_until__gte=now
        ).exists():
            fan_out(send_id)
