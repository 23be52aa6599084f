"""Moderators' controls over a send: pause, resume and cancel."""

from django.db import transaction
from django.utils import timezone

from newsletters.models import Delivery, Send
from newsletters.sending.sends import fan_out


class NotAllowed(Exception):
    """A pause, resume or cancel the send's current status does not allow."""


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
        send.deliveries.filter(status__in=Delivery.UNFINISHED).update(
            status=Delivery.Status.CANCELLED, claimed_until=None
        )
