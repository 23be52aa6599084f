"""Concurrent workers on PostgreSQL: claims never overlap, every delivery goes out once, a
moderator's "retry failed" clicked twice while workers run mails nobody twice, a send
survives a Celery worker killed with SIGKILL in the middle of it, and real Celery workers
wait out a mail server that is down for a while and finish the send exactly once.

These need PostgreSQL (FOR UPDATE SKIP LOCKED, and a database other processes can reach);
the Celery ones also need Redis for their broker. They skip on SQLite.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Count
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

from newsletters.models import Delivery, Send
from newsletters.sending import controls, sends, workers
from newsletters.tests.mailserver import MailServer
from newsletters.tests.sending_setup import make_issue, make_newsletter, smtp_settings, subscribe

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("NEWSLETTERS_TEST_BROKER_URL", "redis://127.0.0.1:6379/5")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent workers need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def page_tree():
    """The locale and root page Wagtail's migrations make, if an earlier test's flush took them."""
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root"))


def queued_send(newsletter):
    """A send with its deliveries created and no worker started."""
    send = sends.freeze(make_issue(newsletter))
    sends.create_deliveries(send)
    send.recipients = send.deliveries.count()
    send.status = Send.Status.SENDING
    send.save()
    return send


def in_thread(target, *args):
    """Run target in a thread with its own database connection, closed when it ends."""
    outcome = {}

    def run():
        try:
            outcome["result"] = target(*args)
        except BaseException as error:  # re-raised in the test's thread
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def result_of(thread, outcome, timeout=60):
    thread.join(timeout)
    assert not thread.is_alive(), "worker thread hung"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def test_a_claim_skips_rows_another_worker_has_locked(home):
    newsletter = make_newsletter(home)
    subscribe(newsletter, 10)
    send = queued_send(newsletter)
    first_claimed, release_lock = threading.Event(), threading.Event()

    def hold_a_claim_open():
        with transaction.atomic():
            _, batch = workers.claim_batch(send.pk, newsletter.pk, 4)
            first_claimed.set()
            release_lock.wait(10)
        return [recipient.delivery_id for recipient in batch]

    holder = in_thread(hold_a_claim_open)
    assert first_claimed.wait(10)
    started = time.monotonic()
    _, batch = result_of(*in_thread(workers.claim_batch, send.pk, newsletter.pk, 4))
    second = [recipient.delivery_id for recipient in batch]
    waited = time.monotonic() - started
    release_lock.set()
    first = result_of(*holder)

    assert len(first) == len(second) == 4
    assert not set(first) & set(second)
    assert waited < 2  # skipped the locked rows instead of waiting for them


def test_concurrent_workers_send_every_delivery_exactly_once(home, settings):
    newsletter = make_newsletter(home)
    readers = subscribe(newsletter, 400)
    send = queued_send(newsletter)
    with MailServer(delay=0.001) as server:
        smtp_settings(settings, server, BATCH_SIZE=10)
        threads = [in_thread(workers.run_worker, send.pk) for _ in range(4)]
        for worker in threads:
            result_of(*worker)
        received = server.received

    assert received == {reader.email: 1 for reader in readers}
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    send.refresh_from_db()
    assert send.status == Send.Status.FINISHED


def test_retry_failed_clicked_twice_while_workers_run_mails_each_recipient_once(home, settings):
    newsletter = make_newsletter(home)
    readers = subscribe(newsletter, 200)
    send = queued_send(newsletter)
    gave_up = list(send.deliveries.order_by("-pk").values_list("pk", flat=True)[:40])
    Delivery.objects.filter(pk__in=gave_up).update(status="failed", failure="gave_up", attempts=5)
    with MailServer(pace=0.004) as server:
        smtp_settings(settings, server, BATCH_SIZE=10, WORKERS=1)
        running = [in_thread(workers.run_worker, send.pk) for _ in range(2)]
        wait_until(lambda: counts().get("sent", 0) >= 20, 20, "the workers to get going")
        clicks = threading.Barrier(2)

        def click_retry():
            clicks.wait(5)
            # Each retry's worker task (eager Celery, on commit) runs in this thread.
            return controls.retry_failed(Send.objects.get(pk=send.pk))

        retries = [in_thread(click_retry) for _ in range(2)]
        retried = sorted(result_of(*thread) for thread in retries)
        for worker in running:
            result_of(*worker)
        received = server.received

    assert retried == [0, 40]  # one click put them back; the other found nothing left to retry
    assert received == {reader.email: 1 for reader in readers}
    assert counts() == {"sent": 200}
    send.refresh_from_db()
    assert send.status == Send.Status.FINISHED


# --- Real Celery workers, one of them killed with SIGKILL mid-send ---

RECIPIENTS = 3000
CLAIM_SECONDS = 4


def worker_env(smtp_port):
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "research_site.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "NEWSLETTERS_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "NEWSLETTERS_BATCH_SIZE": "20",
        "NEWSLETTERS_CLAIM_SECONDS": str(CLAIM_SECONDS),
        "NEWSLETTERS_RESUME_SECONDS": "1",
        "NEWSLETTERS_WORKERS": "2",
        "NEWSLETTERS_PAUSE_SECONDS": "1",
    }


def celery(args, env, log):
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "celery", "-A", "research_site", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def start_worker(name, env, tmp_path):
    log = tmp_path / f"{name}.log"
    # One process (solo pool) that takes one task at a time: SIGKILL leaves nothing behind.
    process = celery(
        ["worker", "--pool=solo", "--prefetch-multiplier=1", "-n", f"{name}@%h", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env,
        log,
    )
    return process, log


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def broker():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(BROKER_URL)

    def clear_queue():  # Celery's keys only: the database may hold someone else's data too
        client.delete("celery", "unacked", "unacked_index", *client.keys("_kombu.binding.*"))

    try:
        clear_queue()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {BROKER_URL}")
    yield Celery("dispatch", broker=BROKER_URL, set_as_current=False)
    clear_queue()


def counts():
    return dict(Delivery.objects.values_list("status").annotate(n=Count("pk")))


def test_a_send_finishes_after_a_worker_is_killed_mid_send(home, broker, tmp_path):
    newsletter = make_newsletter(home)
    readers = subscribe(newsletter, RECIPIENTS)
    issue = make_issue(newsletter)
    send = sends.freeze(issue)

    # Each reply waits a little after the message is counted, so the kill can land
    # between "the server has it" and "the worker marked it".
    with MailServer(delay=0.002) as server:
        env = worker_env(server.port)
        (victim, victim_log), (survivor, survivor_log) = (
            start_worker(name, env, tmp_path) for name in ("victim", "survivor")
        )
        beat = celery(
            ["beat", "-s", str(tmp_path / "beat-schedule"), "--loglevel=WARNING"], env, tmp_path / "beat.log"
        )
        try:
            wait_until(
                lambda: all("ready." in log.read_text() for log in (victim_log, survivor_log)), 60, "workers"
            )
            started = time.monotonic()
            broker.send_task("newsletters.start_send", args=[send.pk])
            wait_until(lambda: "newsletters.send_batches" in victim_log.read_text(), 20, "the victim's batch")
            wait_until(lambda: counts().get("sent", 0) >= RECIPIENTS // 3, 30, "a third of the send")

            victim.send_signal(signal.SIGKILL)
            victim.wait(5)
            killed_at = counts().get("sent", 0)
            at_kill = dict(Delivery.objects.filter(status="claimed").values_list("pk", "claimed_until"))
            time.sleep(1.5)  # the survivor marks its own batch meanwhile; the victim's stay claimed
            still = dict(
                Delivery.objects.filter(pk__in=at_kill, status="claimed").values_list("pk", "claimed_until")
            )
            in_flight = {pk for pk, lease in still.items() if at_kill[pk] == lease}
            in_flight_emails = set(
                Delivery.objects.filter(pk__in=in_flight).values_list("subscriber__email", flat=True)
            )

            wait_until(lambda: Send.objects.get(pk=send.pk).status == "finished", 60, "the send to finish")
            seconds = time.monotonic() - started
        finally:
            for process in (victim, survivor, beat):
                stop(process)
        received = server.received

    assert RECIPIENTS // 3 <= killed_at < RECIPIENTS, "the kill landed mid-send"
    assert set(received) == {reader.email for reader in readers}  # everyone got the issue
    duplicated = {email for email, count in received.items() if count > 1}
    # Only what the victim held unmarked may arrive twice (nothing, if the kill fell
    # between two of its batches).
    assert duplicated <= in_flight_emails
    assert len(duplicated) <= 1  # one message on the wire at a time: at most that one twice
    assert max(received.values()) <= 2
    assert counts() == {"sent": RECIPIENTS}
    assert sum(received.values()) == RECIPIENTS + len(duplicated)
    for log in (victim_log, survivor_log):
        assert "already marked sent" not in log.read_text()
    print(
        f"\n{RECIPIENTS} recipients in {seconds:.1f} s; victim killed after {killed_at} sent, holding "
        f"{len(in_flight)} claims; duplicates: {len(duplicated)}"
    )


# --- Real Celery workers and a mail server that is down for a while ---

OUTAGE_RECIPIENTS = 1000


def test_real_workers_wait_out_a_mail_outage_and_send_everyone_exactly_once(home, broker, tmp_path):
    newsletter = make_newsletter(home)
    readers = subscribe(newsletter, OUTAGE_RECIPIENTS)
    send = sends.freeze(make_issue(newsletter))

    # Each message waits a little before the server takes it: the send lasts long enough to
    # stop the server in the middle, and a message cut off by the stop was not taken.
    with MailServer(pace=0.003) as server:
        env = worker_env(server.port)
        processes = [start_worker(name, env, tmp_path) for name in ("first", "second")]
        beat = celery(
            ["beat", "-s", str(tmp_path / "beat-schedule"), "--loglevel=WARNING"], env, tmp_path / "beat.log"
        )
        try:
            wait_until(lambda: all("ready." in log.read_text() for _, log in processes), 60, "workers")
            broker.send_task("newsletters.start_send", args=[send.pk])
            wait_until(lambda: counts().get("sent", 0) >= OUTAGE_RECIPIENTS // 4, 30, "a quarter of the send")

            server.stop()
            wait_until(lambda: Send.objects.get(pk=send.pk).status == "waiting", 20, "the send to pause")
            sent_at_stop = sum(server.received.values())
            # Down for a while: the send tries again after 1 s, 2 s, 4 s... and waits on.
            wait_until(lambda: Send.objects.get(pk=send.pk).outage_tries >= 3, 30, "three tries")
            during = Send.objects.get(pk=send.pk)
            charged = Delivery.objects.filter(attempts__gt=0).count()
            left_claimed = Delivery.objects.filter(status="claimed").count()
            sent_while_down = counts().get("sent", 0)

            server.start()
            wait_until(lambda: Send.objects.get(pk=send.pk).status == "finished", 60, "the send to finish")
        finally:
            for process, _ in processes:
                stop(process)
            stop(beat)
        received, ids = server.received, server.message_ids()

    assert OUTAGE_RECIPIENTS // 4 <= sent_at_stop < OUTAGE_RECIPIENTS, "the outage came mid-send"
    assert during.status == "waiting" and during.outage_reason == "connection refused"
    assert (charged, left_claimed) == (0, 0)  # nobody charged an attempt, nothing held
    assert sent_while_down == sent_at_stop
    assert received == {reader.email: 1 for reader in readers}  # exactly once each
    assert len(ids) == OUTAGE_RECIPIENTS and set(ids.values()) == {1}
    assert set(Delivery.objects.values_list("status", "attempts")) == {("sent", 0)}
    finished = Send.objects.get(pk=send.pk)
    assert (finished.outage_since, finished.outage_tries) == (None, 0)
    for _, log in processes:
        assert "already marked sent" not in log.read_text()
