"""Grade alerts against a real SMTP server: a day waits out a mail outage and is sent
exactly once, also with two workers at it; a token's name cannot add headers."""

import datetime
from email import message_from_bytes, policy

import pytest
from django.db import connection
from django.utils import timezone

from core.tests.concurrency import all_at_once
from newsletters.issues.alerts import retry_due, send_grade_alerts
from newsletters.models import GradeAlert, GradeAlertDay
from newsletters.tests.factories import SubscriberFactory, TokenFactory, TokenFollowFactory, grade_token
from newsletters.tests.mailserver import MailServer

DAY = datetime.date(2024, 11, 22)
SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def smtp(settings):
    """Alerts go out over SMTP to a server on a port picked now; start it with `with server:`."""
    server = MailServer()
    settings.NEWSLETTERS_EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    settings.DEFAULT_FROM_EMAIL = "Token Research <research@example.com>"
    return server


def moved(name="Solana", before=60.0, now=67.0):
    token = TokenFactory(name=name, symbol=name[:3].upper())
    grade_token(token, DAY - datetime.timedelta(days=1), before, 50.0)
    grade_token(token, DAY, now, 50.0)
    return token


def state():
    return GradeAlertDay.objects.get(day=DAY)


def seconds_until(moment):
    return (moment - timezone.now()).total_seconds()


@pytest.mark.django_db
def test_a_day_that_meets_a_mail_outage_stays_pending_and_is_retried_until_sent(smtp, settings):
    settings.NEWSLETTERS_ALERT_RETRY_SECONDS = 300
    subscriber = TokenFollowFactory(token=moved(), min_change=5).subscriber

    # The mail server is down: nothing listens on its port.
    assert send_grade_alerts(DAY) == 0
    day = state()
    assert (day.status, day.attempts) == ("pending", 1)
    assert "Connection refused" in day.last_error
    assert 290 < seconds_until(day.next_attempt_at) <= 300
    assert not GradeAlert.objects.exists()  # nobody is marked as alerted

    assert retry_due() == 0 and state().attempts == 1  # not due yet: beat leaves it alone
    assert retry_due(now=day.next_attempt_at) == 0  # due, and the server is still down
    day = state()
    assert (day.status, day.attempts) == ("pending", 2)
    assert 590 < seconds_until(day.next_attempt_at) <= 600  # twice as long

    with smtp:
        assert retry_due(now=day.next_attempt_at) == 1
        assert smtp.received == {subscriber.email: 1}
        day = state()
        assert (day.status, day.attempts, day.alerts_sent, day.last_error) == ("sent", 3, 1, "")

        later = timezone.now() + datetime.timedelta(days=1)
        assert retry_due(now=later) == 0 and send_grade_alerts(DAY) == 0
        assert smtp.received == {subscriber.email: 1}  # never twice
    assert GradeAlert.objects.get().sent_at is not None


@pytest.mark.django_db
def test_a_recipient_refused_for_good_does_not_hold_the_day_back(smtp):
    token = moved()
    refused, fine = SubscriberFactory(), SubscriberFactory()
    for subscriber in (refused, fine):
        TokenFollowFactory(subscriber=subscriber, token=token, min_change=5)
    smtp.refuse_recipient(refused.email)

    with smtp:
        assert send_grade_alerts(DAY) == 1
    assert smtp.received == {fine.email: 1}
    assert "550 5.1.1 No such mailbox" in GradeAlert.objects.get(subscriber=refused).error
    assert state().status == "sent"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite serialises every write, so it cannot show a race; CI runs this on PostgreSQL.",
)
def test_two_workers_given_the_same_day_send_each_alert_once(smtp):
    assert connection.vendor == "postgresql"
    token = moved()
    subscribers = [TokenFollowFactory(token=token, min_change=5).subscriber for _ in range(6)]
    smtp.handler.delay = 0.1  # each message takes a while: the runs overlap

    with smtp:
        outcomes = all_at_once((send_grade_alerts, DAY), (send_grade_alerts, DAY), (retry_due,))

    assert sorted(outcomes) == [0, 0, 6]
    assert smtp.received == {subscriber.email: 1 for subscriber in subscribers}
    assert (state().status, state().alerts_sent) == ("sent", 6)


@pytest.mark.django_db
def test_a_token_name_with_a_line_break_cannot_add_a_header(smtp):
    # Stored before provider text was cleaned, or by any other way in: alerts clean it too.
    evil = moved(name="Evil\r\nBcc: x@y")
    subscriber = TokenFollowFactory(token=evil, min_change=5).subscriber

    with smtp:
        assert send_grade_alerts(DAY) == 1

    assert smtp.received == {subscriber.email: 1}  # x@y was not made a recipient
    raw = smtp.handler.messages[subscriber.email][0]
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Bcc"] is None
    assert not any(line.lower().startswith(b"bcc:") for line in raw.splitlines())
    (subject,) = message.get_all("Subject")
    # (Non-ASCII subjects go out as encoded words, which the parser reads with a leading space.)
    assert subject.strip() == "Grade alert: Evil Bcc: x@y Trader Grade 60.0 → 67.0"
    assert "\n" not in subject and "\r" not in subject
