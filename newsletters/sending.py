"""Sending an issue to its newsletter's confirmed subscribers, each exactly once.

queue_issue freezes the rendered issue in a Send. start creates one Delivery row per
recipient in one statement and fans out worker tasks. Each worker loops: claim a batch
(rows nobody holds, or whose holder's lease has run out), send its messages one at a time
over one connection, and mark each delivery sent as soon as the server has accepted it.
A worker killed mid-batch therefore leaves at most the message it had on the wire
unmarked; its other claims expire and another worker sends them. A delivery marked sent
is never claimed or sent again.

Temporary failures go back to pending with an exponential back-off; permanent ones, and
temporary ones after NEWSLETTERS_MAX_ATTEMPTS, are recorded as failed. Pause and cancel
are seen by workers within a second; resume_stalled (Celery beat, every minute) restarts
workers for sends whose work is waiting with nobody on it.
"""

import datetime
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from newsletters import links
from newsletters.delivery import Message, PermanentFailure, TemporaryFailure, get_backend
from newsletters.models import Delivery, Send, Subscriber, Subscription
from newsletters.rendering import personalise, render_issue

logger = logging.getLogger(__name__)

UNFINISHED = (Delivery.Status.PENDING, Delivery.Status.CLAIMED)
STATUS_CHECK_SECONDS = 1.0  # how soon a worker notices a pause or a cancel
LEASE_USE = 0.8  # stop sending from a batch after this share of its lease: the rest goes back


class NotAllowed(Exception):
    """A pause, resume or cancel the send's current status does not allow."""


@dataclass(frozen=True)
class Content:
    subject: str
    html: str
    text: str
    newsletter_id: int


@dataclass(frozen=True)
class Recipient:
    delivery_id: int
    subscriber_id: int
    email: str
    attempts: int
    sendable: bool
    status: str


# --- Starting ---


def queue_issue(issue, requested_by=None):
    """(send, created): the issue's Send, frozen from its current content; started on commit."""
    existing = Send.objects.filter(issue=issue).first()
    if existing:
        return existing, False
    rendered = render_issue(issue)
    try:
        with transaction.atomic():
            send = Send.objects.create(
                issue=issue,
                requested_by=requested_by,
                subject=rendered.subject,
                html=rendered.html,
                text=rendered.text,
            )
    except IntegrityError:  # queued at the same moment by someone else
        return Send.objects.get(issue=issue), False
    transaction.on_commit(lambda: start_task().delay(send.pk))
    return send, True


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
            INSERT INTO {delivery} (send_id, subscriber_id, status, attempts, error)
            SELECT %s, s.id, 'pending', 0, ''
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
    from newsletters.tasks import send_batches

    for _ in range(settings.NEWSLETTERS_WORKERS):
        transaction.on_commit(lambda: send_batches.delay(send_id))


def start_task():
    from newsletters.tasks import start_send

    return start_send


# --- A worker ---


def run_worker(send_id, backend=None):
    """Claim and deliver batches until the send is done, paused or cancelled."""
    backend = backend or get_backend()
    send = Send.objects.select_related("issue").get(pk=send_id)
    content = Content(send.subject, send.html, send.text, newsletter_id(send))
    while current_status(send_id) == Send.Status.SENDING:
        lease, batch = claim_batch(send_id, content.newsletter_id, settings.NEWSLETTERS_BATCH_SIZE)
        if not batch:
            finish_if_done(send_id)
            return
        if not deliver_batch(send_id, content, lease, batch, backend):
            return


def current_status(send_id):
    return Send.objects.filter(pk=send_id).values_list("status", flat=True).get()


def claimable(now):
    """Pending rows due now, and claimed rows whose worker has let its lease run out."""
    due = Q(status=Delivery.Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    return due | Q(status=Delivery.Status.CLAIMED, claimed_until__lt=now)


def claim_batch(send_id, newsletter_id, size):
    """(lease, recipients): up to `size` claimable deliveries, now held until `lease`.

    On PostgreSQL concurrent workers skip each other's locked rows (FOR UPDATE SKIP
    LOCKED) instead of waiting for them; SQLite runs one writer at a time anyway.
    """
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=settings.NEWSLETTERS_CLAIM_SECONDS)
    skip_locked = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    table = Delivery._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH picked AS (
                SELECT id FROM {table}
                WHERE send_id = %(send)s
                  AND ((status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= %(now)s))
                       OR (status = 'claimed' AND claimed_until < %(now)s))
                ORDER BY id
                LIMIT %(size)s{skip_locked}
            )
            UPDATE {table} SET status = 'claimed', claimed_until = %(lease)s
            WHERE id IN (SELECT id FROM picked)
            RETURNING id, subscriber_id, attempts
            """,  # noqa: S608 - table name from the model, values as parameters
            {"send": send_id, "now": adapt(now), "lease": adapt(lease), "size": size},
        )
        claimed = sorted(cursor.fetchall())
    return lease, recipients_for(claimed, newsletter_id)


def recipients_for(claimed, newsletter_id):
    """Addresses for claimed rows, with whether each may still be mailed right now."""
    if not claimed:
        return []
    subscribed = Subscription.objects.filter(subscriber=OuterRef("pk"), newsletter_id=newsletter_id)
    subscribers = {
        pk: (email, status, is_subscribed)
        for pk, email, status, is_subscribed in Subscriber.objects.filter(
            pk__in=[subscriber_id for _, subscriber_id, _ in claimed]
        )
        # Unsubscribing from this newsletter mid-send stops its email too.
        .annotate(is_subscribed=Exists(subscribed))
        .values_list("pk", "email", "status", "is_subscribed")
    }
    recipients = []
    for delivery_id, subscriber_id, attempts in claimed:
        email, status, is_subscribed = subscribers[subscriber_id]
        sendable = status == Subscriber.Status.CONFIRMED and is_subscribed
        recipients.append(Recipient(delivery_id, subscriber_id, email, attempts, sendable, status))
    return recipients


def deliver_batch(send_id, content, lease, batch, backend):
    """Send a claimed batch over one connection; False when the send was paused or cancelled."""
    for recipient in batch:
        if not recipient.sendable:
            skip_unmailable(recipient, lease)
    batch = [recipient for recipient in batch if recipient.sendable]
    if not batch:
        return True
    started = time.monotonic()
    give_back_at = started + LEASE_USE * settings.NEWSLETTERS_CLAIM_SECONDS
    check_at = started + STATUS_CHECK_SECONDS
    try:
        backend.open()
    except TemporaryFailure as failure:
        for recipient in batch:
            retry_later(recipient, lease, failure)
        return True
    try:
        with connection.cursor() as cursor:
            for position, recipient in enumerate(batch):
                clock = time.monotonic()
                if position and clock >= give_back_at:  # (a batch always gets one message out)
                    release(batch[position:], lease)
                    return True
                if clock >= check_at:
                    check_at = clock + STATUS_CHECK_SECONDS
                    if current_status(send_id) != Send.Status.SENDING:
                        release(batch[position:], lease)
                        return False
                try:
                    backend.send(build_message(content, recipient))
                except TemporaryFailure as failure:
                    retry_later(recipient, lease, failure)
                except PermanentFailure as failure:
                    fail(recipient, lease, str(failure))
                else:
                    mark_sent(cursor, recipient.delivery_id)
    finally:
        backend.close()
    return True


def build_message(content, recipient):
    unsubscribe = links.unsubscribe_url(recipient.subscriber_id, content.newsletter_id)
    return Message(
        to=recipient.email,
        subject=content.subject,
        text=personalise(content.text, recipient.subscriber_id, content.newsletter_id),
        html=personalise(content.html, recipient.subscriber_id, content.newsletter_id),
        headers={
            # RFC 8058 one-click unsubscribe: mail clients POST to the link.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


# --- Marking deliveries ---


def mark_sent(cursor, delivery_id):
    """Sent, at once and for good: the guard keeps a second mark from counting twice."""
    cursor.execute(
        f"UPDATE {Delivery._meta.db_table} SET status = 'sent', sent_at = %s, claimed_until = NULL "  # noqa: S608
        "WHERE id = %s AND status <> 'sent'",
        [connection.ops.adapt_datetimefield_value(timezone.now()), delivery_id],
    )
    if cursor.rowcount != 1:
        logger.warning("delivery %s was already marked sent: its message went out twice", delivery_id)


def held(recipient, lease):
    """The delivery, if this worker still holds it (its lease is the claim's token)."""
    return Delivery.objects.filter(
        pk=recipient.delivery_id, status=Delivery.Status.CLAIMED, claimed_until=lease
    )


def retry_later(recipient, lease, failure):
    attempts = recipient.attempts + 1
    if attempts >= settings.NEWSLETTERS_MAX_ATTEMPTS:
        fail(recipient, lease, f"gave up after {attempts} attempts: {failure}", attempts=attempts)
        return
    delay = settings.NEWSLETTERS_RETRY_SECONDS * 2 ** (attempts - 1)
    held(recipient, lease).update(
        status=Delivery.Status.PENDING,
        attempts=attempts,
        claimed_until=None,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
        error=str(failure)[:1000],
    )


def fail(recipient, lease, error, attempts=None):
    held(recipient, lease).update(
        status=Delivery.Status.FAILED,
        attempts=attempts or recipient.attempts + 1,
        claimed_until=None,
        error=error[:1000],
    )


def skip_unmailable(recipient, lease):
    reason = "unsubscribed from this newsletter" if recipient.status == "confirmed" else recipient.status
    held(recipient, lease).update(
        status=Delivery.Status.SUPPRESSED, claimed_until=None, error=f"not mailed: {reason}"
    )


def release(recipients, lease):
    """Hand unsent claims back at once instead of letting their lease run out."""
    Delivery.objects.filter(
        pk__in=[recipient.delivery_id for recipient in recipients],
        status=Delivery.Status.CLAIMED,
        claimed_until=lease,
    ).update(status=Delivery.Status.PENDING, claimed_until=None)


def finish_if_done(send_id):
    if not Delivery.objects.filter(send_id=send_id, status__in=UNFINISHED).exists():
        Send.objects.filter(pk=send_id, status=Send.Status.SENDING).update(
            status=Send.Status.FINISHED, finished_at=timezone.now()
        )


# --- Moderators: pause, resume, cancel ---


def change_status(send, allowed_from, to, **fields):
    changed = Send.objects.filter(pk=send.pk, status__in=allowed_from).update(status=to, **fields)
    if not changed:
        send.refresh_from_db(fields=["status"])
        raise NotAllowed(f"This send is {send.get_status_display().lower()}; it cannot be {VERBS[to]}.")
    send.status = to


VERBS = {Send.Status.PAUSED: "paused", Send.Status.SENDING: "resumed", Send.Status.CANCELLED: "cancelled"}


def pause(send):
    """Workers stop within a second, handing back what they had not sent."""
    change_status(send, [Send.Status.SENDING], Send.Status.PAUSED)


def resume(send):
    with transaction.atomic():
        change_status(send, [Send.Status.PAUSED], Send.Status.SENDING)
        fan_out(send.pk)


def cancel(send):
    """Nothing more goes out: unsent deliveries are cancelled."""
    with transaction.atomic():
        change_status(
            send,
            [Send.Status.QUEUED, Send.Status.SENDING, Send.Status.PAUSED],
            Send.Status.CANCELLED,
            finished_at=timezone.now(),
        )
        send.deliveries.filter(status__in=UNFINISHED).update(
            status=Delivery.Status.CANCELLED, claimed_until=None
        )


# --- Beat: sends nobody is working on ---


def resume_stalled():
    """Restart work nobody is doing: queued sends whose start was lost, and sends with
    deliveries due (retries, expired claims) while no worker holds a live claim."""
    now = timezone.now()
    for send_id in Send.objects.filter(
        status=Send.Status.QUEUED, created_at__lt=now - datetime.timedelta(minutes=1)
    ).values_list("pk", flat=True):
        start_task().delay(send_id)
    for send_id in Send.objects.filter(status=Send.Status.SENDING).values_list("pk", flat=True):
        unfinished = Delivery.objects.filter(send_id=send_id, status__in=UNFINISHED)
        if not unfinished.exists():
            finish_if_done(send_id)
        elif unfinished.filter(claimable(now)).exists() and not unfinished.filter(
            status=Delivery.Status.CLAIMED, claimed_until__gte=now
        ).exists():
            fan_out(send_id)


# --- Bounces and complaints ---


def suppress(email, status, reason):
    """A bounced or complaining address: never mailed again, starting with unsent deliveries."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=email.strip().lower()).first()
        if subscriber is None:
            return None
        if subscriber.status != Subscriber.Status.COMPLAINED:  # the stronger of the two stays
            subscriber.set_status(status, reason)
            subscriber.save(update_fields=["status", "status_reason", "status_changed_at"])
        subscriber.deliveries.filter(status__in=UNFINISHED).update(
            status=Delivery.Status.SUPPRESSED, claimed_until=None, error=f"not mailed: {subscriber.status}"
        )
    return subscriber


# --- Progress ---

COUNTED = ("sent", "failed", "suppressed", "cancelled", "left", "retrying")


def progress(sends):
    """Counts, rate and timing of each send for the admin, in one query over their deliveries."""
    now = timezone.now()
    minute_ago = now - datetime.timedelta(minutes=1)
    Status = Delivery.Status
    rows = (
        Delivery.objects.filter(send__in=[send.pk for send in sends])
        .values("send")
        .annotate(
            sent=Count("pk", filter=Q(status=Status.SENT)),
            failed=Count("pk", filter=Q(status=Status.FAILED)),
            suppressed=Count("pk", filter=Q(status=Status.SUPPRESSED)),
            cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
            left=Count("pk", filter=Q(status__in=UNFINISHED)),
            retrying=Count("pk", filter=Q(status=Status.PENDING, attempts__gt=0)),
            last_minute=Count("pk", filter=Q(status=Status.SENT, sent_at__gte=minute_ago)),
        )
        .order_by()
    )
    counts = {row.pop("send"): row for row in rows}
    nothing = dict.fromkeys((*COUNTED, "last_minute"), 0)
    return [summary(send, counts.get(send.pk, nothing), now) for send in sends]


def summary(send, counts, now):
    elapsed = ((send.finished_at or now) - send.started_at).total_seconds() if send.started_at else 0
    if send.status == Send.Status.SENDING and elapsed >= 60:
        per_minute = counts["last_minute"]
    else:  # a young or finished send: its average since the start
        per_minute = round(counts["sent"] * 60 / elapsed) if elapsed > 0 else 0
    if send.recipients:
        done_percent = round(100 * (send.recipients - counts["left"]) / send.recipients)
    else:
        done_percent = 100 if send.status == Send.Status.FINISHED else 0
    return {
        "id": send.pk,
        "status": send.status,
        "status_label": send.get_status_display(),
        "recipients": send.recipients,
        **{name: counts[name] for name in COUNTED},
        "per_minute": per_minute,
        "done_percent": done_percent,
        "started_at": send.started_at.isoformat() if send.started_at else None,
        "finished_at": send.finished_at.isoformat() if send.finished_at else None,
    }
