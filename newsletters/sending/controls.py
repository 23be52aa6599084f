"""Moderators' controls over a send: pause, resume, cancel, and retry failed deliveries."""

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from newsletters.models import Delivery, Send, Subscriber, Subscription
from newsletters.sending.sends import fan_out, newsletter_id


class NotAllowed(Exception):
    """A control the send's current status does not allow."""


def change_status(send, allowed_from, to, **fields):
    changed = Send.objects.filter(pk=send.pk, status__in=allowed_from).update(status=to, **fields)
    if not changed:
        send.refresh_from_db(fields=["status"])
        raise NotAllowed(f"This send is {send.get_status_display().lower()}; it cannot be {VERBS[to]}.")
    send.status = to


VERBS = {Send.Status.PAUSED: "paused", Send.Status.SENDING: "resumed", Send.Status.CANCELLED: "cancelled"}


def pause(send):
    """Workers stop within a second, handing back what they had not sent. A send waiting
    for the mail server stops waiting: it stays paused until someone resumes it."""
    change_status(send, [Send.Status.SENDING, Send.Status.WAITING], Send.Status.PAUSED, next_try_at=None)


def resume(send):
    """Carry on at once, a send waiting for the mail server too (its next try is now)."""
    with transaction.atomic():
        change_status(send, [Send.Status.PAUSED, Send.Status.WAITING], Send.Status.SENDING, next_try_at=None)
        fan_out(send.pk)


def cancel(send):
    """Nothing more goes out: unsent deliveries are cancelled."""
    with transaction.atomic():
        change_status(
            send,
            [Send.Status.QUEUED, Send.Status.SENDING, Send.Status.PAUSED, Send.Status.WAITING],
            Send.Status.CANCELLED,
            finished_at=timezone.now(),
            next_try_at=None,
        )
        send.deliveries.filter(status__in=Delivery.UNFINISHED).update(
            status=Delivery.Status.CANCELLED, claimed_until=None
        )


# --- Retrying failed deliveries ---


def with_subscribed(send, deliveries):
    """`deliveries` annotated with whether their recipient is still subscribed to the newsletter."""
    subscribed = Subscription.objects.filter(
        subscriber=OuterRef("subscriber"), newsletter_id=newsletter_id(send)
    )
    return deliveries.annotate(is_subscribed=Exists(subscribed))


# Still mailable: neither unsubscribed nor bounced nor complained since.
MAILABLE = Q(is_subscribed=True, subscriber__status=Subscriber.Status.CONFIRMED)


def retryable(send):
    """Failed deliveries worth another go: they gave up after temporary failures (a full
    mailbox, a busy server), and their recipients may still be mailed."""
    failed = send.deliveries.filter(status=Delivery.Status.FAILED, failure=Delivery.Failure.GAVE_UP)
    return with_subscribed(send, failed).filter(MAILABLE)


def failure_counts(send):
    """{"retryable", "refused", "unsubscribed"}: the send's failed deliveries by what a retry does."""
    failed = with_subscribed(send, send.deliveries.filter(status=Delivery.Status.FAILED))
    gave_up = Q(failure=Delivery.Failure.GAVE_UP)
    return failed.aggregate(
        retryable=Count("pk", filter=gave_up & MAILABLE),
        refused=Count("pk", filter=~gave_up),
        unsubscribed=Count("pk", filter=gave_up & ~MAILABLE),
    )


def retry_failed(send):
    """Put the retryable failed deliveries back to pending with fresh attempts and set the
    send going again; returns how many. Only FAILED rows change, and a worker never holds
    one, so a retry clicked twice, or while the send runs, mails nobody twice. A paused send
    (by a moderator or by a mail outage) sends them when it carries on."""
    with transaction.atomic():
        locked = Send.objects.select_for_update().get(pk=send.pk)
        if locked.status in (Send.Status.QUEUED, Send.Status.CANCELLED):
            raise NotAllowed(
                f"This send is {locked.get_status_display().lower()}; it has no failed deliveries to retry."
            )
        retried = Delivery.objects.filter(
            status=Delivery.Status.FAILED, pk__in=retryable(locked).values("pk")
        ).update(
            status=Delivery.Status.PENDING,
            failure="",
            attempts=0,
            next_attempt_at=None,
            claimed_until=None,
            error="",
        )
        if retried and locked.status == Send.Status.FINISHED:
            locked.status, locked.finished_at = Send.Status.SENDING, None
            locked.save(update_fields=["status", "finished_at"])
        if retried and locked.status == Send.Status.SENDING:
            fan_out(locked.pk)
    send.status, send.finished_at = locked.status, locked.finished_at
    return retried
