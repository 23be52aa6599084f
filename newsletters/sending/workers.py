"""A sending worker: connect, claim a batch, send it over that connection, mark each message sent.

Each worker loops: connect to the mail server, claim a batch (rows nobody holds, or whose
holder's lease has run out), send its messages one at a time over that connection, and
mark each delivery sent as soon as the server has accepted it. A worker killed mid-batch
therefore leaves at most the message it had on the wire unmarked; its other claims expire
and another worker sends them. A delivery marked sent is never claimed or sent again.

A mail server that cannot be reached, or turns us away (ServerUnavailable), is nobody's
fault among the recipients. A worker connects before it claims, so one that cannot get in
holds nobody; one that loses the server mid-batch hands the rest of its batch back
unchanged; and the whole send waits for the server (newsletters.sending.outages). A
recipient's temporary failure goes back to pending with an exponential back-off; permanent
ones, and temporary ones after NEWSLETTERS_MAX_ATTEMPTS, are recorded as failed. Workers
see a pause or cancel (newsletters.sending.controls) within a second.
"""

import contextlib
import datetime
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from newsletters.analytics import tracking
from newsletters.issues.rendering import UNSUBSCRIBE_MARKER, personal_links, personalise
from newsletters.models import Delivery, Send, Subscriber, Subscription
from newsletters.sending import outages
from newsletters.sending.delivery import (
    EmailDelivery,
    Message,
    PermanentFailure,
    ServerUnavailable,
    TemporaryFailure,
)
from newsletters.sending.sends import claimable, finish_if_done, newsletter_id

logger = logging.getLogger(__name__)

STATUS_CHECK_SECONDS = 1.0  # how soon a worker notices a pause or a cancel


LEASE_USE = 0.8  # stop sending from a batch after this share of its lease: the rest goes back


@dataclass(frozen=True)
class Content:
    """What a send's messages share: its frozen subject and bodies, and its newsletter."""

    subject: str
    html: str
    text: str
    newsletter_id: int
    send_id: int = 0
    tracked: bool = False  # whether the bodies carry tracking markers

    @classmethod
    def of(cls, send):
        tracked = tracking.is_tracked(send.html) or tracking.is_tracked(send.text)
        return cls(send.subject, send.html, send.text, newsletter_id(send), send.pk, tracked)


@dataclass(frozen=True)
class Recipient:
    delivery_id: int
    subscriber_id: int
    email: str
    attempts: int
    sendable: bool
    status: str


def run_worker(send_id):
    """Claim and deliver batches until the send is done, paused or cancelled."""
    delivery = EmailDelivery()
    send = Send.objects.select_related("issue").get(pk=send_id)
    content = Content.of(send)
    with commits_without_waiting_for_disk():
        while current_status(send_id) == Send.Status.SENDING:
            if not has_work(send_id):
                finish_if_done(send_id)
                return
            # Connect first, claim after: during an outage no recipient is held, not even
            # for the moment it takes to find the server down.
            try:
                delivery.open()
            except ServerUnavailable as outage:
                outages.pause(send_id, str(outage))
                return
            try:
                lease, batch = claim_batch(send_id, content.newsletter_id, settings.NEWSLETTERS_BATCH_SIZE)
                if not batch:
                    finish_if_done(send_id)
                    return
                if not deliver_batch(send_id, content, lease, batch, delivery):
                    return
            finally:
                delivery.close()


def has_work(send_id):
    """Whether the send has deliveries a worker could claim now (a claim may still find none)."""
    return Delivery.objects.filter(send_id=send_id).filter(claimable(timezone.now())).exists()


@contextlib.contextmanager
def commits_without_waiting_for_disk():
    """PostgreSQL's synchronous_commit off for this worker's marks and claims.

    Each mark still runs and commits before the next message goes out, so a killed worker
    loses nothing; the database just does not wait for its write-ahead log to reach the
    disk before answering (which was most of a mark's time). Only a crash of the database
    server itself could forget the last fraction of a second of marks, and those messages
    would go out once more.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def current_status(send_id):
    return Send.objects.filter(pk=send_id).values_list("status", flat=True).get()


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


def deliver_batch(send_id, content, lease, batch, delivery):
    """Send a claimed batch over the delivery's open session; False when the send was paused
    or cancelled, or the mail server went away (the send now waits for it).

    Whatever way it ends, no claim is left behind that need not be: what was never handed
    to the server goes back at once. Only on an unforeseen error (the database gone) does the
    message in hand, which the server may have taken, keep its claim until its lease ends.
    """
    for recipient in batch:
        if not recipient.sendable:
            skip_unmailable(recipient, lease)
    batch = [recipient for recipient in batch if recipient.sendable]
    started = time.monotonic()
    give_back_at = started + LEASE_USE * settings.NEWSLETTERS_CLAIM_SECONDS
    check_at = started + STATUS_CHECK_SECONDS
    recovering = True  # until this batch has sent a message
    position = 0
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
                    message = build_message(
                        content, recipient.subscriber_id, recipient.email, recipient.delivery_id
                    )
                    delivery.send(message)
                except ServerUnavailable as outage:
                    wait_for_server(send_id, outage, batch[position:], lease)
                    return False
                except TemporaryFailure as failure:
                    retry_later(recipient, lease, failure)
                except PermanentFailure as failure:
                    fail(recipient, lease, str(failure))
                else:
                    mark_sent(cursor, recipient.delivery_id)
                    if recovering:
                        outages.recovered(send_id)
                        recovering = False
    except BaseException:
        with contextlib.suppress(Exception):
            release(batch[position + 1 :], lease)
        raise
    return True


def wait_for_server(send_id, outage, unsent, lease):
    """The server is down or turns us away: what this worker holds goes back as it was,
    charged nothing, and the send waits for the server."""
    release(unsent, lease)
    outages.pause(send_id, str(outage))


def build_message(content, subscriber_id, email, delivery_id):
    """The send's message to one subscriber, with their own links (and, when the send is
    tracked, their own open image and click redirects)."""
    urls = personal_links(subscriber_id, content.newsletter_id)
    if content.tracked:
        urls.update(tracking.tracking_links(content.send_id, delivery_id))
    return Message(
        to=email,
        subject=content.subject,
        text=personalise(content.text, subscriber_id, content.newsletter_id, urls),
        html=personalise(content.html, subscriber_id, content.newsletter_id, urls),
        headers={
            # RFC 8058 one-click unsubscribe: mail clients POST to the link.
            "List-Unsubscribe": f"<{urls[UNSUBSCRIBE_MARKER]}>",
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
        error = f"gave up after {attempts} attempts: {failure}"
        fail(recipient, lease, error, attempts=attempts, failure=Delivery.Failure.GAVE_UP)
        return
    delay = settings.NEWSLETTERS_RETRY_SECONDS * 2 ** (attempts - 1)
    held(recipient, lease).update(
        status=Delivery.Status.PENDING,
        attempts=attempts,
        claimed_until=None,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
        error=str(failure)[:1000],
    )


def fail(recipient, lease, error, attempts=None, failure=Delivery.Failure.REFUSED):
    held(recipient, lease).update(
        status=Delivery.Status.FAILED,
        failure=failure,
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
