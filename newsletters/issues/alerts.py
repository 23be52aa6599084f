"""Grade alerts: at most one email a day to each subscriber whose followed tokens moved.

A follow triggers when the chosen grade moved at least ``min_change`` points since the
token's previous graded day, or crossed ``level`` either way. Grades are compared as
shown (one decimal), so an email never says "+5.0" for a move that did not count.

Exactly one email per subscriber and day: the GradeAlert row (unique per subscriber and
day) is committed before the email goes out, so a rerun or a concurrent run skips that
subscriber; a failed send deletes the row again, so the next run retries it. Only a
process killed between the commit and the send loses that day's alert: a late alert is
worth less than a duplicate costs.
"""

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from newsletters.issues import grades
from newsletters.models import GradeAlert, Subscriber, TokenFollow
from newsletters.subscriptions import links

log = logging.getLogger(__name__)


def send_grade_alerts(day=None):
    """Send the alerts for ``day`` (default: the latest graded day); returns how many went out."""
    day = day or grades.latest_graded_day()
    if day is None:
        log.info("No grade alerts: no token has been graded yet.")
        return 0
    changes = triggered_changes(day)
    sent = 0
    with get_connection(settings.NEWSLETTERS_EMAIL_BACKEND or None) as connection:
        for subscriber, subscriber_changes in changes.items():
            sent += send_alert(subscriber, day, subscriber_changes, connection)
    log.info("Grade alerts for %s: %d sent, %d subscribers had triggered follows.", day, sent, len(changes))
    return sent


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
            changes[follow.subscriber].append(change_row(follow, round(old, 1), round(new, 1), reasons))
    return changes


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
        "name": token.name,
        "symbol": token.symbol,
        "grade": follow.grade,
        "grade_label": TokenFollow.Grade(follow.grade).label,
        "old": old,
        "new": new,
        "change": round(new - old, 1),
        "reasons": reasons,
        "url": links.absolute(reverse("ratings:token", args=[token.slug])),
    }


def send_alert(subscriber, day, changes, connection):
    """Claim the subscriber's alert for the day, send it, mark it sent. 1 if sent, else 0."""
    message = alert_message(subscriber, day, changes, connection)
    try:
        with transaction.atomic():
            alert = GradeAlert.objects.create(subscriber=subscriber, day=day, changes=changes)
    except IntegrityError:
        return 0  # another run has claimed (and sent) it
    try:
        message.send()
    except Exception:
        GradeAlert.objects.filter(pk=alert.pk).delete()  # the next run tries again
        log.exception("Grade alert for subscriber %s on %s failed; it will be retried.", subscriber.pk, day)
        return 0
    GradeAlert.objects.filter(pk=alert.pk).update(sent_at=timezone.now())
    return 1


def alert_subject(changes):
    first = changes[0]
    if len(changes) == 1:
        return f"Grade alert: {first['name']} {first['grade_label']} {first['old']:.1f} → {first['new']:.1f}"
    others = len(changes) - 1
    return f"Grade alerts: {first['name']} and {others} more you follow moved"


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
