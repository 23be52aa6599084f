"""Grade alerts: at most one email a day to each subscriber whose followed tokens moved.

A follow triggers when the chosen grade moved at least ``min_change`` points since the
token's previous graded day, or crossed ``level`` either way. Grades are compared as
shown (one decimal), so an email never says "+5.0" for a move that did not count.

Each graded day has a GradeAlertDay row: PENDING until the day's alerts are all out.
A run claims the day under a row lock (SENDING), so a second worker given the same day
does nothing. A mail outage (the server down, refusing us, deferring) stops the run: the
day goes back to PENDING with the error, and beat's ``retry_due`` runs it again after a
back-off, until it is SENT.

Exactly one email per subscriber and day: the GradeAlert row (unique per subscriber and
day) is committed before the email goes out, so a rerun or a takeover skips that
subscriber; a temporary failure deletes the row again, so the retry sends it. A
recipient refused for good keeps its row with the error and is not tried again. Only a
process killed between the commit and the send loses that subscriber's alert: a late
alert is worth less than a duplicate costs.
"""

import datetime
import logging
import time
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.safe_text import one_line
from newsletters.issues import grades
from newsletters.models import GradeAlert, GradeAlertDay, Subscriber, TokenFollow
from newsletters.sending.delivery import DeliveryFailure, TemporaryFailure, classify
from newsletters.subscriptions import links
from ratings import attribution

log = logging.getLogger(__name__)


def send_grade_alerts(day=None, now=None):
    """Send the alerts for ``day`` (default: the latest graded day) unless the day is sent
    or another run is at it; returns how many went out."""
    day = day or grades.latest_graded_day()
    if day is None:
        log.info("No grade alerts: no token has been graded yet.")
        return 0
    now = now or timezone.now()
    GradeAlertDay.objects.get_or_create(day=day)
    state = claim_day(day, now)
    if state is None:
        log.info("Grade alerts for %s are sent or being sent by another run.", day)
        return 0
    sent = 0
    try:
        changes = triggered_changes(day)
        renew = claim_renewer(state)
        with get_connection(settings.NEWSLETTERS_EMAIL_BACKEND or None) as connection:
            for subscriber, subscriber_changes in changes.items():
                sent += send_alert(subscriber, day, subscriber_changes, connection)
                renew()
    except Exception as error:
        failure = error if isinstance(error, DeliveryFailure) else classify(error)
        retry_at = postpone_day(state, sent, str(failure))
        log.warning(
            "Grade alerts for %s stopped after %d sent (%s); retrying at %s.", day, sent, failure, retry_at
        )
        return sent
    finish_day(state, sent)
    log.info("Grade alerts for %s: %d sent, %d subscribers had triggered follows.", day, sent, len(changes))
    return sent


def retry_due(now=None):
    """Run every day whose alerts are due for another try (beat calls this); returns the
    number of emails sent."""
    now = now or timezone.now()
    due = GradeAlertDay.objects.filter(
        Q(status=GradeAlertDay.Status.PENDING, next_attempt_at__lte=now)
        | Q(status=GradeAlertDay.Status.SENDING, claimed_until__lte=now)  # its run died
    )
    return sum(send_grade_alerts(day, now=now) for day in due.order_by("day").values_list("day", flat=True))


def record_day(day):
    """Note that ``day``'s alerts are to be sent (kept whatever happens to the task queue)."""
    GradeAlertDay.objects.get_or_create(day=day)


def claim_day(day, now):
    """Take the day for this run, or None if it is sent or another live run has it."""
    with transaction.atomic():
        state = GradeAlertDay.objects.select_for_update().get(day=day)
        if state.status == GradeAlertDay.Status.SENT:
            return None
        if state.status == GradeAlertDay.Status.SENDING and state.claimed_until and state.claimed_until > now:
            return None
        state.status = GradeAlertDay.Status.SENDING
        state.attempts += 1
        state.claimed_until = now + datetime.timedelta(seconds=settings.NEWSLETTERS_CLAIM_SECONDS)
        state.save(update_fields=["status", "attempts", "claimed_until"])
    return state


def claim_renewer(state):
    """A function that keeps the day's claim alive while a long run sends."""
    length = settings.NEWSLETTERS_CLAIM_SECONDS
    renewed_at = time.monotonic()

    def renew():
        nonlocal renewed_at
        if time.monotonic() - renewed_at >= length / 3:
            GradeAlertDay.objects.filter(pk=state.pk).update(
                claimed_until=timezone.now() + datetime.timedelta(seconds=length)
            )
            renewed_at = time.monotonic()

    return renew


def postpone_day(state, sent, error):
    wait = min(
        settings.NEWSLETTERS_ALERT_RETRY_SECONDS * 2 ** (state.attempts - 1),
        settings.NEWSLETTERS_ALERT_RETRY_MAX_SECONDS,
    )
    retry_at = timezone.now() + datetime.timedelta(seconds=wait)
    GradeAlertDay.objects.filter(pk=state.pk).update(
        status=GradeAlertDay.Status.PENDING,
        claimed_until=None,
        next_attempt_at=retry_at,
        last_error=error[:2000],
        alerts_sent=F("alerts_sent") + sent,
    )
    return retry_at


def finish_day(state, sent):
    GradeAlertDay.objects.filter(pk=state.pk).update(
        status=GradeAlertDay.Status.SENT,
        claimed_until=None,
        finished_at=timezone.now(),
        last_error="",
        alerts_sent=F("alerts_sent") + sent,
    )


def follows_with_grades(day):
    """Follows of confirmed subscribers not yet alerted for ``day``, each with the token's
    grades on the day and on its previous graded day: one query."""
    return (
        TokenFollow.objects.filter(subscriber__status=Subscriber.Status.CONFIRMED)
        .exclude(subscriber__grade_alerts__day=day)
        .annotate(
            trader_now=grades.grade_on(day, "trader_grade", outer="token_id"),
            trader_before=grades.grade_before(day, "trader_grade", outer="token_id"),
            investor_now=grades.grade_on(day, "investor_grade", outer="token_id"),
            investor_before=grades.grade_before(day, "investor_grade", outer="token_id"),
            scores_now=grades.scores_on(day, outer="token_id"),
            scores_before=grades.scores_before(day, outer="token_id"),
        )
        .filter(trader_now__isnull=False)
        .select_related("subscriber", "token")
        .order_by("subscriber_id", "token__name", "grade")
    )


def triggered_changes(day):
    """{subscriber: [change, ...]} for every subscriber with at least one triggered follow."""
    changes = defaultdict(list)
    for follow in follows_with_grades(day):
        old = getattr(follow, f"{follow.grade}_before")
        new = getattr(follow, f"{follow.grade}_now")
        reasons = triggers(old, new, follow.min_change, follow.level)
        if reasons:
            row = change_row(follow, round(old, 1), round(new, 1), reasons)
            row.update(explanation(follow, row["change"]))
            changes[follow.subscriber].append(row)
    return changes


def explanation(follow, change):
    """The move split by component: {"parts": [[component name, points], ...] largest
    first, "explanation": "momentum -8.1, volume -3.0"}; empty parts when the day's
    components are not stored."""
    parts = attribution.explain_rows(follow.grade, follow.scores_now, follow.scores_before) or []
    moved = sorted(((c, p) for c, p in parts if p), key=lambda item: (-abs(item[1]), item[0].key))
    text = attribution.describe(TokenFollow.Grade(follow.grade).label, change, parts)
    return {
        "parts": [[component.name, part] for component, part in moved],
        "explanation": text.partition(": ")[2],
    }


def triggers(old, new, min_change=None, level=None):
    """Why a move from ``old`` to ``new`` deserves an alert (empty: it does not)."""
    if old is None or new is None:
        return []
    old, new = round(old, 1), round(new, 1)
    reasons = []
    if min_change is not None and abs(new - old) >= min_change:
        reasons.append(f"moved {new - old:+.1f} points (your alert: {min_change} or more)")
    if level is not None and old < level <= new:
        reasons.append(f"rose to {level} or above")
    elif level is not None and new < level <= old:
        reasons.append(f"fell below {level}")
    return reasons


def change_row(follow, old, new, reasons):
    token = follow.token
    return {
        "slug": token.slug,
        "name": one_line(token.name),
        "symbol": one_line(token.symbol),
        "grade": follow.grade,
        "grade_label": TokenFollow.Grade(follow.grade).label,
        "old": old,
        "new": new,
        "change": round(new - old, 1),
        "reasons": reasons,
        "url": links.absolute(reverse("ratings:token", args=[token.slug])),
    }


def send_alert(subscriber, day, changes, connection):
    """Claim the subscriber's alert for the day, send it, mark it sent. 1 if sent, 0 if it
    was claimed already or refused for good; a temporary failure raises TemporaryFailure."""
    message = alert_message(subscriber, day, changes, connection)
    try:
        with transaction.atomic():
            alert = GradeAlert.objects.create(subscriber=subscriber, day=day, changes=changes)
    except IntegrityError:
        return 0  # another run has claimed (and sent) it
    try:
        message.send()
    except Exception as error:
        failure = classify(error)
        if isinstance(failure, TemporaryFailure):
            GradeAlert.objects.filter(pk=alert.pk).delete()  # the day's retry sends it
            raise failure from error
        GradeAlert.objects.filter(pk=alert.pk).update(error=str(failure)[:2000])
        log.warning("Grade alert for subscriber %s on %s refused: %s", subscriber.pk, day, failure)
        return 0
    GradeAlert.objects.filter(pk=alert.pk).update(sent_at=timezone.now())
    return 1


def alert_subject(changes):
    """One line whatever the token names hold: a name is provider text, and a line break in
    a subject would let it add headers of its own."""
    first = changes[0]
    name = one_line(first["name"], 80)
    if len(changes) == 1:
        return one_line(f"Grade alert: {name} {first['grade_label']} {first['old']:.1f} → {first['new']:.1f}")
    others = len(changes) - 1
    return one_line(f"Grade alerts: {name} and {others} more you follow moved")


def alert_message(subscriber, day, changes, connection):
    unsubscribe_url = links.unsubscribe_url(subscriber.pk, 0)
    context = {
        "day": day,
        "changes": changes,
        "ratings_url": links.absolute(reverse("ratings:table")),
        "preferences_url": links.preferences_url(subscriber.pk),
        "unsubscribe_url": unsubscribe_url,
    }
    message = EmailMultiAlternatives(
        subject=alert_subject(changes),
        body=render_to_string("newsletters/email/grade_alert.txt", context),
        to=[subscriber.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("newsletters/email/grade_alert.html", context), "text/html")
    return message
