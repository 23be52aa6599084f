"""Sending an issue through a real SMTP server (aiosmtpd): deliveries, personal links and
headers, retries with back-off, permanent failures, suppression, pause/resume/cancel."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsletters.models import Delivery, Send, Subscriber, Subscription
from newsletters.sending import controls, sends, workers
from newsletters.sending.delivery import EmailDelivery
from newsletters.subscriptions import links
from newsletters.tests.mailserver import DROP, MailServer
from newsletters.tests.sending_setup import make_issue, make_newsletter, smtp_settings, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsletter(home):
    return make_newsletter(home)


@pytest.fixture
def issue(newsletter):
    return make_issue(newsletter, subject="Bitcoin holds its grade")


@pytest.fixture
def server(settings):
    with MailServer() as server:
        smtp_settings(settings, server, RETRY_SECONDS=60, MAX_ATTEMPTS=3, BATCH_SIZE=4)
        yield server


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a sending step and every worker task it starts (Celery is eager in tests)."""

    def run(step, *args):
        with django_capture_on_commit_callbacks(execute=True):
            return step(*args)

    return run


def statuses(send):
    return dict(send.deliveries.values_list("subscriber__email", "status"))


def test_publishing_the_issue_sends_it_to_confirmed_subscribers_only(newsletter, server, run):
    confirmed = subscribe(newsletter, 3)
    subscribe(newsletter, 1, Subscriber.Status.PENDING, prefix="pending")
    subscribe(newsletter, 1, Subscriber.Status.BOUNCED, prefix="bounced")
    subscribe(newsletter, 1, Subscriber.Status.UNSUBSCRIBED, prefix="gone")
    other = make_newsletter_sibling(newsletter)
    subscribe(other, 2, prefix="other")
    issue = make_issue(newsletter, live=False, subject="Grades this morning")

    run(lambda: issue.save_revision().publish())

    send = Send.objects.get(issue=issue)
    assert send.status == Send.Status.FINISHED and send.finished_at is not None
    assert send.recipients == 3 and send.subject == "Grades this morning"
    assert server.received == {s.email: 1 for s in confirmed}
    assert set(statuses(send).values()) == {"sent"}


def make_newsletter_sibling(newsletter):
    from newsletters.tests.factories import NewsletterPageFactory

    return NewsletterPageFactory(parent=newsletter.get_parent(), title="Research Weekly")


def test_publishing_does_not_send_when_sending_is_left_to_the_admin(newsletter, server, run, settings):
    settings.NEWSLETTERS_SEND_ON_PUBLISH = False
    subscribe(newsletter, 2)
    issue = make_issue(newsletter, live=False)
    run(lambda: issue.save_revision().publish())
    assert not Send.objects.exists() and server.received == {}


def test_each_message_carries_its_readers_own_unsubscribe_link_and_one_click_headers(
    newsletter, issue, server, run
):
    alice, bob = subscribe(newsletter, 2)
    send, created = run(sends.queue_issue, issue)
    assert created

    message = server.message(alice.email)
    own_link = links.unsubscribe_url(alice.pk, newsletter.pk)
    assert own_link.startswith("http") and "/email/" in own_link
    assert message["List-Unsubscribe"].strip() == f"<{own_link}>"  # long headers are folded
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Subject"] == "Bitcoin holds its grade"
    assert message["To"] == alice.email
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    for body in (html, text):
        assert own_link in body
        assert links.preferences_url(alice.pk) in body
        assert links.unsubscribe_url(bob.pk, newsletter.pk) not in body
        assert "%%" not in body
    assert server.connections_used == 1  # one SMTP connection for the batch


def test_a_send_is_frozen_and_queued_once(newsletter, issue, server, run):
    subscribe(newsletter, 2)
    first, created = run(sends.queue_issue, issue)
    issue.subject = "Edited after sending"
    issue.save_revision().publish()
    again, created_again = run(sends.queue_issue, issue)
    assert created and not created_again and again.pk == first.pk
    assert Send.objects.get().subject == "Bitcoin holds its grade"
    assert sum(server.received.values()) == 2

    run(sends.start, first.pk)  # a repeated start task adds nobody
    assert Delivery.objects.count() == 2 and sum(server.received.values()) == 2


def test_one_delivery_per_issue_and_subscriber_is_enforced(newsletter, issue, server, run):
    (reader,) = subscribe(newsletter, 1)
    send, _ = run(sends.queue_issue, issue)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(send=send, subscriber=reader)
    sends.create_deliveries(send)  # ON CONFLICT DO NOTHING
    assert Delivery.objects.filter(send=send).count() == 1


def test_temporary_failure_is_retried_with_back_off_then_sent(newsletter, issue, server, run):
    readers = subscribe(newsletter, 3)
    flaky = readers[1].email
    server.answer_data(flaky, "451 4.3.0 Mailbox busy, try later")

    send, _ = run(sends.queue_issue, issue)
    send.refresh_from_db()
    delivery = send.deliveries.get(subscriber__email=flaky)
    assert delivery.status == "pending" and delivery.attempts == 1
    assert "451" in delivery.error
    due_in = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 50 < due_in <= 60
    assert send.status == Send.Status.SENDING  # not finished while a retry is due
    assert server.received[flaky] == 0

    run(sends.resume_stalled)  # beat: nothing is due yet
    assert server.received[flaky] == 0

    a_second_ago = timezone.now() - datetime.timedelta(seconds=1)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=a_second_ago)
    run(sends.resume_stalled)
    delivery.refresh_from_db()
    send.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 1
    assert server.received == {r.email: 1 for r in readers}
    assert send.status == Send.Status.FINISHED


def test_back_off_doubles_and_gives_up_after_max_attempts(newsletter, issue, server, run):
    (reader,) = subscribe(newsletter, 1)
    server.answer_data(reader.email, *["452 4.2.2 Mailbox full"] * 3)
    send, _ = run(sends.queue_issue, issue)
    delivery = Delivery.objects.get()
    delays = []
    for _ in range(2):
        delivery.refresh_from_db()
        assert delivery.status == "pending"
        delays.append(round((delivery.next_attempt_at - timezone.now()).total_seconds() / 60))
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        run(sends.resume_stalled)
    delivery.refresh_from_db()
    send.refresh_from_db()
    assert delays == [1, 2]
    assert delivery.status == "failed" and delivery.attempts == 3
    assert delivery.error.startswith("gave up after 3 attempts") and "452" in delivery.error
    assert send.status == Send.Status.FINISHED and server.received == {}


def test_permanent_failures_are_recorded_and_the_others_still_sent(newsletter, issue, server, run):
    readers = subscribe(newsletter, 4)
    server.refuse_recipient(readers[0].email, "550 5.1.1 No such mailbox")
    server.answer_data(readers[2].email, "554 5.7.1 Message rejected as spam")
    send, _ = run(sends.queue_issue, issue)
    send.refresh_from_db()
    failed = send.deliveries.filter(status="failed").select_related("subscriber")
    failed = {delivery.subscriber.email: delivery for delivery in failed}
    assert set(failed) == {readers[0].email, readers[2].email}
    assert "550 5.1.1 No such mailbox" in failed[readers[0].email].error
    assert "554 5.7.1" in failed[readers[2].email].error
    assert all(d.attempts == 1 for d in failed.values())
    assert server.received == {readers[1].email: 1, readers[3].email: 1}
    assert send.status == Send.Status.FINISHED


def test_a_dropped_connection_is_retried_over_a_new_one(newsletter, issue, server, run, settings):
    settings.NEWSLETTERS_RETRY_SECONDS = 0
    readers = subscribe(newsletter, 3)
    server.answer_data(readers[0].email, DROP)  # hangs up on this message, takes the next session
    run(sends.queue_issue, issue)
    assert server.received == {r.email: 1 for r in readers}
    attempts = dict(Delivery.objects.values_list("subscriber__email", "attempts"))
    # The two after the drop went out at the first try, over a new connection.
    assert attempts == {readers[0].email: 1, readers[1].email: 0, readers[2].email: 0}
    assert server.connections_used >= 2


def test_bounced_or_unsubscribed_after_the_start_are_not_mailed(newsletter, issue, server, settings, run):
    settings.NEWSLETTERS_WORKERS = 0  # create the deliveries; no worker yet
    alice, bob, carol = subscribe(newsletter, 3)
    send, _ = run(sends.queue_issue, issue)
    assert send.deliveries.count() == 3 and server.received == {}

    bob.set_status(Subscriber.Status.BOUNCED, "mailbox gone")
    bob.save()
    Subscription.objects.filter(subscriber=carol).delete()
    settings.NEWSLETTERS_WORKERS = 2
    run(sends.fan_out, send.pk)

    assert server.received == {alice.email: 1}
    assert statuses(send) == {alice.email: "sent", bob.email: "suppressed", carol.email: "suppressed"}
    assert send.deliveries.get(subscriber=bob).error == "not mailed: bounced"


def test_a_sent_delivery_is_never_claimed_or_sent_again(newsletter, issue, server, settings, run):
    settings.NEWSLETTERS_WORKERS = 0
    alice, bob = subscribe(newsletter, 2)
    send, _ = run(sends.queue_issue, issue)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    # A worker marked alice sent; a dead worker's expired claim on bob is still there.
    send.deliveries.filter(subscriber=alice).update(status="sent", sent_at=long_ago, claimed_until=None)
    send.deliveries.filter(subscriber=bob).update(status="claimed", claimed_until=long_ago)
    lease, batch = workers.claim_batch(send.pk, issue.get_parent().pk, 10)
    assert [r.email for r in batch] == [bob.email]
    workers.release(batch, lease)

    settings.NEWSLETTERS_WORKERS = 1
    run(sends.resume_stalled)
    assert server.received == {bob.email: 1}
    assert send.deliveries.get(subscriber=alice).sent_at == long_ago


def test_resume_stalled_leaves_sends_with_a_live_worker_alone(newsletter, issue, server, settings, run):
    settings.NEWSLETTERS_WORKERS = 0
    subscribe(newsletter, 2)
    send, _ = run(sends.queue_issue, issue)
    lease, batch = workers.claim_batch(send.pk, issue.get_parent().pk, 1)  # a live worker's claim
    settings.NEWSLETTERS_WORKERS = 1
    run(sends.resume_stalled)
    assert server.received == {}
    a_second_ago = timezone.now() - datetime.timedelta(seconds=1)
    Delivery.objects.filter(status="claimed").update(claimed_until=a_second_ago)
    run(sends.resume_stalled)  # the worker died: its claim ran out
    assert sum(server.received.values()) == 2
    send.refresh_from_db()
    assert send.status == Send.Status.FINISHED


@pytest.fixture
def moderated_worker(monkeypatch, settings):
    """Workers check the send's status before every message; returns a runner taking an action
    that a moderator takes after the worker's `after`th message."""
    monkeypatch.setattr(workers, "STATUS_CHECK_SECONDS", 0)
    settings.NEWSLETTERS_WORKERS = 0

    def run_worker(send, after, action):
        class PausingDelivery(EmailDelivery):
            sent = 0

            def send(self, message):
                super().send(message)
                PausingDelivery.sent += 1
                if PausingDelivery.sent == after:
                    action(Send.objects.get())

        monkeypatch.setattr(workers, "EmailDelivery", PausingDelivery)
        workers.run_worker(send.pk)

    return run_worker


def test_pause_stops_workers_and_resume_finishes_the_send(
    newsletter, issue, server, settings, run, moderated_worker
):
    settings.NEWSLETTERS_BATCH_SIZE = 10
    readers = subscribe(newsletter, 8)
    send, _ = run(sends.queue_issue, issue)
    moderated_worker(send, 3, controls.pause)

    send.refresh_from_db()
    assert send.status == Send.Status.PAUSED
    assert sum(server.received.values()) == 3
    assert sorted(statuses(send).values()).count("pending") == 5  # handed back, not left claimed
    run(sends.resume_stalled)  # the beat leaves a paused send alone
    assert sum(server.received.values()) == 3

    settings.NEWSLETTERS_WORKERS = 2
    run(controls.resume, send)
    send.refresh_from_db()
    assert send.status == Send.Status.FINISHED
    assert server.received == {r.email: 1 for r in readers}


def test_cancel_stops_workers_and_cancels_what_is_unsent(
    newsletter, issue, server, settings, run, moderated_worker
):
    settings.NEWSLETTERS_BATCH_SIZE = 10
    subscribe(newsletter, 8)
    send, _ = run(sends.queue_issue, issue)
    moderated_worker(send, 2, controls.cancel)
    send.refresh_from_db()
    assert send.status == Send.Status.CANCELLED and send.finished_at is not None
    assert sorted(statuses(send).values()) == ["cancelled"] * 6 + ["sent"] * 2
    assert sum(server.received.values()) == 2

    with pytest.raises(controls.NotAllowed, match="This send is cancelled; it cannot be resumed."):
        controls.resume(send)
    with pytest.raises(controls.NotAllowed, match="cannot be paused"):
        controls.pause(send)


def test_a_batch_whose_lease_is_used_up_hands_the_rest_back(newsletter, issue, server, run, monkeypatch):
    monkeypatch.setattr(workers, "LEASE_USE", 0)  # every batch is "out of time" after one message
    readers = subscribe(newsletter, 5)
    run(sends.queue_issue, issue)
    assert server.received == {r.email: 1 for r in readers}
    assert server.connections_used == 5
