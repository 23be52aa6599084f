"""The outbox: email kept in the database and sent from there, whatever the broker and the
mail server are doing. Faults are real: a redis-server stopped, an aiosmtpd server stopped
or refusing, drains racing on PostgreSQL."""

import datetime
import time

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from core import outbox
from core.models import OutboxEmail
from core.tasks import drain_outbox
from core.tests.broker import tasks_sent_to
from core.tests.concurrency import all_at_once
from core.tests.faults import RedisServer, SilentServer, free_port
from newsletters.tests.mailserver import MailServer

pytestmark = pytest.mark.django_db
Status = OutboxEmail.Status
KIND = "api.key_link"  # the simplest composer the project registers: a link in plain text


def waiting(*addresses):
    """Rows as a request leaves them when the broker was down: due, never tried."""
    now = timezone.now()
    return [
        OutboxEmail.objects.create(
            kind=KIND, to=to, params={"link": f"https://example.org/{to}"}, next_attempt_at=now
        )
        for to in addresses
    ]


def over_smtp(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5


def make_due(*emails):
    OutboxEmail.objects.filter(pk__in=[email.pk for email in emails]).update(next_attempt_at=timezone.now())


def test_with_broker_and_mail_up_the_email_goes_out_at_once():
    email = outbox.send(KIND, "dev@example.com", link="https://example.org/k/1/")
    (message,) = mail.outbox
    assert message.to == ["dev@example.com"] and "https://example.org/k/1/" in message.body
    email.refresh_from_db()
    assert (email.status, email.attempts, email.subject) == (Status.SENT, 1, "Your Token Research API key")
    assert drain_outbox() is None and len(mail.outbox) == 1  # sent once, not again by the drain


def test_with_the_broker_stopped_the_email_waits_and_the_caller_carries_on():
    redis = RedisServer().start()
    redis.stop()
    with tasks_sent_to(redis.url):
        started = time.monotonic()
        email = outbox.send(KIND, "dev@example.com", link="https://example.org/k/1/")
        took = time.monotonic() - started
    email.refresh_from_db()
    assert (email.status, email.attempts, mail.outbox) == (Status.PENDING, 0, [])
    assert took < 3  # a refused connection gives up at once (measured: about 0.3 s)

    drain_outbox()  # what beat runs once the broker is back
    email.refresh_from_db()
    assert email.status == Status.SENT and [m.to for m in mail.outbox] == [["dev@example.com"]]


def test_with_the_broker_up_the_task_is_queued_for_a_worker():
    redis = RedisServer().start()
    try:
        with tasks_sent_to(redis.url):
            email = outbox.send(KIND, "dev@example.com", link="https://example.org/k/1/")
        assert redis.queued() == 1
    finally:
        redis.stop()
    email.refresh_from_db()
    assert email.status == Status.PENDING and mail.outbox == []  # the worker sends it


def test_a_hung_broker_holds_the_caller_for_seconds_not_for_ever():
    silent = SilentServer()
    try:
        with tasks_sent_to(silent.url):
            started = time.monotonic()
            email = outbox.send(KIND, "dev@example.com", link="https://example.org/k/1/")
            took = time.monotonic() - started
    finally:
        silent.close()
    assert OutboxEmail.objects.get(pk=email.pk).status == Status.PENDING
    # CELERY_BROKER_SOCKET_TIMEOUT (2 s) per try, one quick retry; without it, for ever.
    assert took < 8


def test_during_a_broker_outage_only_the_first_caller_waits_and_it_is_logged_once(caplog):
    silent = SilentServer()
    try:
        with tasks_sent_to(silent.url):
            took = []
            for n in range(3):
                started = time.monotonic()
                outbox.send(KIND, f"dev{n}@example.com", link="https://example.org/k/1/")
                took.append(time.monotonic() - started)
    finally:
        silent.close()
    assert took[0] > 1.5  # met the hung broker: its socket timeout
    assert max(took[1:]) < 0.5  # left their rows to the drain without trying it again
    logged = [r.getMessage() for r in caplog.records if r.name == "core.outbox"]
    assert len(logged) == 1 and logged[0].startswith("Celery broker unreachable")
    assert OutboxEmail.objects.filter(status=Status.PENDING).count() == 3

    outbox.BrokerState.down_until = time.monotonic()  # BROKER_RETRY_SECONDS later
    redis = RedisServer().start()
    try:
        with tasks_sent_to(redis.url):
            outbox.send(KIND, "dev3@example.com", link="https://example.org/k/1/")
            assert redis.queued() == 1  # tried again, and queued
    finally:
        redis.stop()
    assert caplog.records[-1].getMessage().startswith("Celery broker reachable again")


def test_mail_server_down_leaves_rows_waiting_with_back_off(settings, caplog):
    over_smtp(settings, free_port())  # nothing listens there
    first, second, third = waiting("a@example.com", "b@example.com", "c@example.com")
    before = timezone.now()

    assert outbox.drain() == 0  # no exception escapes

    rows = {row.to: row for row in OutboxEmail.objects.all()}
    tried = rows["a@example.com"]
    assert (tried.status, tried.attempts) == (Status.PENDING, 1)
    assert "ConnectionRefusedError" in tried.last_error
    wait = tried.next_attempt_at - before
    assert datetime.timedelta(seconds=59) < wait < datetime.timedelta(seconds=62)
    # The server is down, not the address: the drain stops instead of trying each row.
    assert rows["b@example.com"].attempts == rows["c@example.com"].attempts == 0

    make_due(first)
    outbox.drain()  # the oldest due first: b, then a again on a later drain
    make_due(first, second, third)
    outbox.drain()
    first.refresh_from_db()
    assert first.attempts == 2 and first.status == Status.PENDING
    assert first.next_attempt_at - timezone.now() > datetime.timedelta(seconds=110)  # doubled
    assert mail.outbox == []


def test_back_off_doubles_up_to_an_hour(settings):
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 7, 30)] == [60, 120, 240, 3600, 3600]
    settings.OUTBOX_RETRY_SECONDS = 5
    assert outbox.backoff(2).total_seconds() == 10


def test_when_the_mail_server_is_back_each_email_goes_out_exactly_once(settings):
    server = MailServer()
    over_smtp(settings, server.port)
    rows = waiting("a@example.com", "b@example.com", "c@example.com")
    outbox.drain()  # nothing listens on its port yet
    with server:  # the mail server is back
        OutboxEmail.objects.update(next_attempt_at=timezone.now())
        assert outbox.drain() == 3
        assert outbox.drain() == 0
        received = server.received
        assert server.connections_used == 1  # one SMTP session for the whole drain
    assert received == {"a@example.com": 1, "b@example.com": 1, "c@example.com": 1}
    assert {row.status for row in OutboxEmail.objects.filter(pk__in=[r.pk for r in rows])} == {Status.SENT}


def test_a_refused_recipient_fails_once_and_the_rest_go_out(settings):
    with MailServer() as server:
        over_smtp(settings, server.port)
        server.refuse_recipient("gone@example.com")
        waiting("gone@example.com", "ada@example.com")
        assert outbox.drain() == 1
        OutboxEmail.objects.update(next_attempt_at=timezone.now())
        assert outbox.drain() == 0  # failed is final: not tried again
        received = server.received
    gone = OutboxEmail.objects.get(to="gone@example.com")
    assert (gone.status, gone.attempts) == (Status.FAILED, 1)
    assert gone.last_error.startswith("recipient refused: 550") and gone.finished_at is not None
    assert received == {"ada@example.com": 1}


def test_a_deferred_recipient_is_tried_again_later(settings):
    with MailServer() as server:
        over_smtp(settings, server.port)
        server.refuse_recipient("busy@example.com", "450 4.2.1 Mailbox busy, try later")
        (busy,) = waiting("busy@example.com")
        outbox.drain()
        busy.refresh_from_db()
        assert (busy.status, busy.attempts) == (Status.PENDING, 1) and "450" in busy.last_error
        make_due(busy)
        outbox.drain()
        received = server.received
    busy.refresh_from_db()
    assert busy.status == Status.SENT and received == {"busy@example.com": 1}


def test_after_the_last_attempt_the_row_is_failed_not_retried_for_ever(settings):
    over_smtp(settings, free_port())
    settings.OUTBOX_MAX_ATTEMPTS = 2
    (email,) = waiting("a@example.com")
    outbox.drain()
    make_due(email)
    outbox.drain()
    email.refresh_from_db()
    assert email.status == Status.FAILED and email.last_error.startswith("gave up after 2 attempts")


def test_a_claim_left_by_a_worker_that_died_is_taken_over():
    (email,) = waiting("a@example.com")
    assert outbox.claim(email.pk) is not None  # a worker took it, then died
    assert outbox.drain() == 0 and mail.outbox == []  # its claim still holds
    later = timezone.now() + datetime.timedelta(seconds=301)
    assert outbox.claim(email.pk, now=later).attempts == 2  # after OUTBOX_CLAIM_SECONDS, free again


def test_nothing_to_compose_is_dropped_and_a_broken_composer_fails_the_row():
    dropped = OutboxEmail.objects.create(
        kind="awards.ballot",
        to="ada@example.com",
        params={"category_id": 999, "nominee_id": 999, "link": "https://example.org/v/"},
        next_attempt_at=timezone.now(),
    )
    unknown = OutboxEmail.objects.create(kind="nobody.knows", to="b@x.org", next_attempt_at=timezone.now())
    outbox.drain()
    dropped.refresh_from_db()
    unknown.refresh_from_db()
    assert dropped.status == Status.DROPPED  # the nominee is gone: nothing to send
    assert unknown.status == Status.FAILED and "no composer for 'nobody.knows'" in unknown.last_error
    assert mail.outbox == []


def test_finished_rows_are_deleted_after_some_days(settings):
    sent, failed, pending = waiting("a@example.com", "b@example.com", "c@example.com")
    long_ago = timezone.now() - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS, hours=1)
    OutboxEmail.objects.filter(pk=sent.pk).update(status=Status.SENT, finished_at=long_ago)
    OutboxEmail.objects.filter(pk=failed.pk).update(status=Status.FAILED, finished_at=timezone.now())
    OutboxEmail.objects.filter(pk=pending.pk).update(next_attempt_at=long_ago)
    assert outbox.prune() == 1
    assert set(OutboxEmail.objects.values_list("to", flat=True)) == {"b@example.com", "c@example.com"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="racing drains need PostgreSQL")
def test_drains_racing_each_other_send_every_email_once(settings):
    addresses = [f"reader{n}@example.com" for n in range(60)]
    waiting(*addresses)
    with MailServer(delay=0.002) as server:
        over_smtp(settings, server.port)
        sent = all_at_once(*[(outbox.drain,)] * 4)
        received = server.received
    assert sum(sent) == 60
    assert received == dict.fromkeys(addresses, 1)
    assert set(OutboxEmail.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}
