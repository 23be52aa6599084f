"""A mail outage holds the whole send instead of charging its recipients.

When a worker cannot reach the mail server or ESP, or is turned away at the door (a
refused login or greeting, TLS failing, our sender refused, an ESP's 5xx or 401/403),
every message would fail alike, and charging each recipient an attempt would fail a whole
send for good after a quarter of an hour of outage. Instead the worker hands its batch back
unchanged and pause() sets the send WAITING with the reason, since when, and its next try:
NEWSLETTERS_PAUSE_SECONDS later, doubling with each try that finds the server still down,
up to NEWSLETTERS_PAUSE_MAX_SECONDS, for as long as it takes. A countdown task (and, were
it lost, the resume-stalled beat: sends.try_again) sets the send going at that time; the
first message that goes out again ends the outage (recovered).
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.timesince import timesince

from newsletters.models import Send

logger = logging.getLogger(__name__)


def backoff(tries):
    """Seconds to wait after the `tries`th try that found the server down."""
    doubling = settings.NEWSLETTERS_PAUSE_SECONDS * 2 ** min(tries - 1, 20)
    return min(doubling, settings.NEWSLETTERS_PAUSE_MAX_SECONDS)


def pause(send_id, reason):
    """Hold a sending send until its next try. False when it was not sending: another worker
    found the outage first, or a moderator paused or cancelled the send."""
    from newsletters.tasks import retry_after_outage  # tasks imports the sending modules

    now = timezone.now()
    with transaction.atomic():
        send = Send.objects.select_for_update().filter(pk=send_id, status=Send.Status.SENDING).first()
        if send is None:
            return False
        send.outage_tries += 1
        delay = backoff(send.outage_tries)
        send.status = Send.Status.WAITING
        send.outage_reason = reason[:500]
        send.outage_since = send.outage_since or now
        send.next_try_at = now + datetime.timedelta(seconds=delay)
        send.save(update_fields=["status", "outage_reason", "outage_since", "outage_tries", "next_try_at"])
        # Robust: with the broker down too, the send still waits, and the resume-stalled beat
        # sets it going at next_try_at.
        transaction.on_commit(
            lambda: retry_after_outage.apply_async((send_id,), countdown=delay), robust=True
        )
    logger.warning(
        "send %s paused: mail server unreachable (%s); try %s, next in %s s",
        send_id,
        reason,
        send.outage_tries,
        delay,
    )
    return True


def recovered(send_id):
    """A message went out: whatever outage the send had is over."""
    Send.objects.filter(pk=send_id, status=Send.Status.SENDING, outage_since__isnull=False).update(
        outage_reason="", outage_since=None, outage_tries=0, next_try_at=None
    )


def is_long(send, now):
    return bool(send.outage_since) and (now - send.outage_since).total_seconds() >= (
        settings.NEWSLETTERS_LONG_OUTAGE_SECONDS
    )


def describe(send, now):
    """The outage as the send's page and its progress say it; "" when there is none."""
    if not send.outage_since:
        return ""
    since = f"since {when(send.outage_since)}"
    reason = f"mail server unreachable ({send.outage_reason}) {since}"
    if send.status == Send.Status.WAITING:
        next_try = f"next try at {when(send.next_try_at)}" if send.next_try_at else "trying again"
        note = f"Paused: {reason}, {next_try}."
        if is_long(send, now):
            note += (
                f" Unreachable for {timesince(send.outage_since, now)}: the send keeps waiting and"
                " never gives up on its own."
            )
        return note
    if send.status == Send.Status.SENDING:
        return f"Trying again: {reason}."
    if send.status == Send.Status.PAUSED:
        return f"Paused by a moderator; before that, {reason}."
    return ""


def when(moment):
    return format_date(timezone.localtime(moment), "Y-m-d H:i:s T")
