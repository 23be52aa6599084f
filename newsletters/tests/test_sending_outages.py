"""A mail outage pauses a send instead of charging its recipients, and moderators retry failed
deliveries, against a real SMTP server (aiosmtpd) that is stopped, restarted, refuses a login
or refuses a recipient.

Celery is eager here: a step's worker tasks run in the test, one after another. The same
outage with real Celery workers is in test_sending_workers.py.
"""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from newsletters.models import Delivery, Send, Subscriber, Subscription
from newsletters.sending import outages, sends, workers
from newsletters.sending.delivery import EmailDelivery
from newsletters.tests.mailserver import MailServer
from newsletters.tests.sending_setup import make_issue, make_newsletter, smtp_settings, subscribe

pytestmark = pytest.mark.django_db

SENDS = "/admin/newsletters/sends/"


@pytest.fixture
def newsletter(home):
    return make_newsletter(home)


@pytest.fixture
def issue(newsletter):
    return make_issue(newsletter, subject="Ether's grade slips")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a sending step and every worker task it starts (Celery is eager in tests)."""

    def run(step, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return step(*args, **kwargs)

    return run


@pytest.fixture
def moderator(client, django_user_model):
    user = django_user_model.objects.create_user("moderator", password="a-long-password")
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    return client


def text_of(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def stop_server_after(monkeypatch, server, messages):
    """Workers' deliveries stop the mail server right after its `messages`th message."""

    class StoppingDelivery(EmailDelivery):
        sent = 0

        def send(self, message):
            super().send(message)
            StoppingDelivery.sent += 1
            if StoppingDelivery.sent == messages:
                server.stop()

    monkeypatch.setattr(workers, "EmailDelivery", StoppingDelivery)


def next_try_is_due(send):
    Send.objects.filter(pk=send.pk).update(next_try_at=timezone.now() - datetime.timedelta(seconds=1))


def charged(send):
    """Deliveries charged an attempt, and deliveries left claimed: none, after an outage."""
    return send.deliveries.filter(attempts__gt=0).count(), send.deliveries.filter(status="claimed").count()


def test_a_server_stopped_mid_send_pauses_it_uncharged_and_it_finishes_once_the_server_is_back(
    newsletter, issue, settings, run, monkeypatch, moderator
):
    readers = subscribe(newsletter, 12)
    with MailServer() as server:
        smtp_settings(settings, server, BATCH_SIZE=4, PAUSE_SECONDS=60)
        stop_server_after(monkeypatch, server, 5)
        send, _ = run(sends.queue_issue, issue)

        send.refresh_from_db()
        assert send.status == Send.Status.WAITING
        assert sum(server.received.values()) == 5
        assert send.deliveries.filter(status="sent").count() == 5
        assert charged(send) == (0, 0)  # the message on the wire when it stopped too
        assert send.outage_reason == "connection refused" and send.outage_tries == 1
        assert 55 < (send.next_try_at - timezone.now()).total_seconds() <= 60
        first_seen = send.outage_since

        page = text_of(moderator.get(f"{SENDS}{send.pk}/"))
        assert "Paused: mail server unreachable (connection refused) since" in page
        assert "next try at" in page and "No recipient is charged an attempt" in page
        (progress,) = moderator.get(f"{SENDS}progress.json", {"id": send.pk}).json()["sends"]
        assert progress["status"] == "waiting"
        assert progress["outage"].startswith("Paused: mail server unreachable (connection refused)")

        run(sends.resume_stalled)  # the beat: the next try is not due yet
        send.refresh_from_db()
        assert send.status == Send.Status.WAITING and send.outage_tries == 1

        next_try_is_due(send)
        run(sends.resume_stalled)  # due, and the server is still down: wait twice as long
        send.refresh_from_db()
        assert send.status == Send.Status.WAITING and send.outage_tries == 2
        assert 115 < (send.next_try_at - timezone.now()).total_seconds() <= 120
        assert send.outage_since == first_seen
        assert charged(send) == (0, 0)

        server.start()
        next_try_is_due(send)
        run(sends.resume_stalled)
        send.refresh_from_db()
        received, ids = server.received, server.message_ids()

    assert send.status == Send.Status.FINISHED
    assert received == {reader.email: 1 for reader in readers}
    assert len(ids) == 12 and set(ids.values()) == {1}
    assert set(send.deliveries.values_list("status", "attempts")) == {("sent", 0)}
    assert (send.outage_since, send.outage_reason, send.outage_tries) == (None, "", 0)


def test_a_server_answering_421_mid_send_pauses_it_uncharged(newsletter, issue, run, moderator, settings):
    # A server shutting down answers DATA "421" while its port still takes new sessions:
    # that is the server turning us away, not the recipient's trouble.
    readers = subscribe(newsletter, 6)
    with MailServer() as server:
        smtp_settings(settings, server, BATCH_SIZE=4, PAUSE_SECONDS=60)
        server.answer_data(readers[2].email, "421 4.3.2 Shutting down, try again later")
        send, _ = run(sends.queue_issue, issue)
        send.refresh_from_db()
        assert send.status == Send.Status.WAITING
        assert send.outage_reason == "server answered 421 4.3.2 Shutting down, try again later"
        assert server.received == {readers[0].email: 1, readers[1].email: 1}
        assert charged(send) == (0, 0)
        page = text_of(moderator.get(f"{SENDS}{send.pk}/"))
        assert "Paused: mail server unreachable (server answered 421 4.3.2 Shutting down" in page

        next_try_is_due(send)
        run(sends.resume_stalled)
        send.refresh_from_db()
        received = server.received

    assert send.status == Send.Status.FINISHED
    assert received == {reader.email: 1 for reader in readers}
    assert set(send.deliveries.values_list("status", "attempts")) == {("sent", 0)}
    assert (send.outage_since, send.outage_tries) == (None, 0)


def test_no_server_at_the_start_pauses_the_send_and_nobody_is_charged(newsletter, issue, settings, run):
    with MailServer() as server:
        port = server.port  # nothing listens there any more
    settings.NEWSLETTERS_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    subscribe(newsletter, 3)
    send, _ = run(sends.queue_issue, issue)
    send.refresh_from_db()
    assert send.status == Send.Status.WAITING and send.outage_reason == "connection refused"
    assert set(send.deliveries.values_list("status", "attempts", "error")) == {("pending", 0, "")}


# A test server on localhost takes the login in the clear; aiosmtpd warns about that.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_wrong_credentials_pause_the_send_not_fail_it_and_a_moderator_resumes_it_once_fixed(
    newsletter, issue, settings, run, moderator
):
    readers = subscribe(newsletter, 6)
    with MailServer(password="the-right-password") as server:
        smtp_settings(settings, server, BATCH_SIZE=4)
        settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "newsletters", "a-wrong-password"
        send, _ = run(sends.queue_issue, issue)
        send.refresh_from_db()
        assert send.status == Send.Status.WAITING
        assert send.outage_reason.startswith("login refused: 535")
        assert server.logins_refused >= 1 and server.received == {}
        assert charged(send) == (0, 0)
        assert not send.deliveries.filter(status="failed").exists()

        detail = f"{SENDS}{send.pk}/"
        page = moderator.get(detail)
        assert "Paused: mail server unreachable (login refused: 535" in text_of(page)
        assert f'action="{detail}resume/"' in page.content.decode()  # "Try the mail server now"

        settings.EMAIL_HOST_PASSWORD = "the-right-password"
        response = run(moderator.post, f"{detail}resume/", follow=True)
        assert "trying the mail server now" in text_of(response)
        send.refresh_from_db()
        received = server.received

    assert send.status == Send.Status.FINISHED
    assert received == {reader.email: 1 for reader in readers}
    assert send.outage_since is None


def test_a_long_outage_stays_paused_and_the_page_says_so(newsletter, issue, settings, run, moderator):
    with MailServer() as server:
        port = server.port
    settings.NEWSLETTERS_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    subscribe(newsletter, 2)
    send, _ = run(sends.queue_issue, issue)
    Send.objects.filter(pk=send.pk).update(
        outage_since=timezone.now() - datetime.timedelta(hours=3), outage_tries=12
    )
    next_try_is_due(send)
    run(sends.resume_stalled)
    send.refresh_from_db()
    assert send.status == Send.Status.WAITING and send.outage_tries == 13
    waits = (send.next_try_at - timezone.now()).total_seconds()
    assert settings.NEWSLETTERS_PAUSE_MAX_SECONDS - 5 < waits <= settings.NEWSLETTERS_PAUSE_MAX_SECONDS
    page = text_of(moderator.get(f"{SENDS}{send.pk}/"))
    assert "Unreachable for 3\xa0hours: the send keeps waiting and never gives up" in page
    assert "This is a long outage." in page and "EMAIL_HOST_PASSWORD" in page


def test_back_off_doubles_up_to_its_cap(settings):
    settings.NEWSLETTERS_PAUSE_SECONDS, settings.NEWSLETTERS_PAUSE_MAX_SECONDS = 60, 900
    assert [outages.backoff(tries) for tries in range(1, 7)] == [60, 120, 240, 480, 900, 900]
    assert outages.backoff(500) == 900


def test_a_moderator_pause_holds_a_waiting_send_until_resumed(newsletter, issue, settings, run, moderator):
    with MailServer() as server:
        port = server.port
    settings.NEWSLETTERS_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    subscribe(newsletter, 2)
    send, _ = run(sends.queue_issue, issue)
    moderator.post(f"{SENDS}{send.pk}/pause/")
    send.refresh_from_db()
    assert send.status == Send.Status.PAUSED and send.next_try_at is None
    Send.objects.filter(pk=send.pk).update(next_try_at=timezone.now() - datetime.timedelta(seconds=1))
    run(sends.try_again, send.pk)  # a countdown task from before the pause
    run(sends.resume_stalled)
    send.refresh_from_db()
    assert send.status == Send.Status.PAUSED


# --- Per-recipient failures, and retrying the failed ---


def test_a_refused_recipient_fails_and_retry_failed_leaves_it_alone(
    newsletter, issue, settings, run, moderator
):
    refused, *others = subscribe(newsletter, 4)
    with MailServer() as server:
        smtp_settings(settings, server)
        server.refuse_recipient(refused.email, "550 5.1.1 No such mailbox")
        send, _ = run(sends.queue_issue, issue)
        delivery = send.deliveries.get(subscriber=refused)
        assert (delivery.status, delivery.failure, delivery.attempts) == ("failed", "refused", 1)

        detail = f"{SENDS}{send.pk}/"
        page = text_of(moderator.get(detail))
        assert "0 gave up after temporary failures" in page and "Not retried: 1 refused for good" in page
        assert "Retry" not in page.split("Failed deliveries")[1].split("Address")[0]

        response = run(moderator.post, f"{detail}retry-failed/", follow=True)
        assert "No failed delivery can be retried" in text_of(response)
        received = server.received

    delivery.refresh_from_db()
    send.refresh_from_db()
    assert delivery.status == "failed" and send.status == Send.Status.FINISHED
    assert received == {reader.email: 1 for reader in others}


def test_retry_failed_sends_an_exhausted_temporary_failure_once(newsletter, issue, settings, run, moderator):
    flaky, gone, *others = subscribe(newsletter, 5)
    with MailServer() as server:
        smtp_settings(settings, server, MAX_ATTEMPTS=2)
        for reader in (flaky, gone):
            server.answer_data(reader.email, "452 4.2.2 Mailbox full", "452 4.2.2 Mailbox full")
        send, _ = run(sends.queue_issue, issue)
        Delivery.objects.filter(status="pending").update(next_attempt_at=timezone.now())
        run(sends.resume_stalled)
        send.refresh_from_db()
        assert send.status == Send.Status.FINISHED
        for reader in (flaky, gone):
            delivery = send.deliveries.get(subscriber=reader)
            assert (delivery.status, delivery.failure, delivery.attempts) == ("failed", "gave_up", 2)
        Subscription.objects.filter(subscriber=gone).delete()  # unsubscribed since

        detail = f"{SENDS}{send.pk}/"
        page = text_of(moderator.get(detail))
        assert "1 gave up after temporary failures (a full mailbox, a busy server) and can be retried" in page
        assert "1 whose recipients have since unsubscribed, bounced or complained" in page

        response = run(moderator.post, f"{detail}retry-failed/", follow=True)
        assert "1 failed delivery goes out again now" in text_of(response)
        again = run(moderator.post, f"{detail}retry-failed/", follow=True)  # a second click
        assert "No failed delivery can be retried" in text_of(again)
        received = server.received

    send.refresh_from_db()
    assert send.status == Send.Status.FINISHED
    assert received == {flaky.email: 1, **{reader.email: 1 for reader in others}}
    assert send.deliveries.get(subscriber=flaky).status == "sent"
    assert send.deliveries.get(subscriber=gone).status == "failed"


def test_retry_failed_takes_a_moderator_a_post_and_a_csrf_token(
    newsletter, issue, settings, run, client, django_user_model
):
    settings.NEWSLETTERS_WORKERS = 0
    subscribe(newsletter, 1)
    send, _ = run(sends.queue_issue, issue)
    send.deliveries.update(status="failed", failure="gave_up", attempts=5)
    url = f"{SENDS}{send.pk}/retry-failed/"
    for group in ("Editors", "Moderators"):
        user = django_user_model.objects.create_user(group.lower(), password="a-long-password")
        user.groups.add(Group.objects.get(name=group))
    client.force_login(django_user_model.objects.get(username="editors"))
    refused = client.post(url)
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")  # Wagtail's "no permission"

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(django_user_model.objects.get(username="moderators"))
    assert strict.get(url).status_code == 405
    assert strict.post(url).status_code == 403  # no CSRF token
    assert send.deliveries.get().status == "failed"


def test_a_cancelled_send_has_nothing_to_retry(newsletter, issue, settings, run, moderator):
    settings.NEWSLETTERS_WORKERS = 0
    subscribe(newsletter, 2)
    send, _ = run(sends.queue_issue, issue)
    send.deliveries.filter(pk=send.deliveries.first().pk).update(status="failed", failure="gave_up")
    moderator.post(f"{SENDS}{send.pk}/cancel/")
    response = moderator.post(f"{SENDS}{send.pk}/retry-failed/")
    assert response.status_code == 409
    assert "This send is cancelled; it has no failed deliveries to retry." in text_of(response)


def test_a_bounced_recipient_is_not_retried(newsletter, issue, settings, run):
    from newsletters.sending import controls

    settings.NEWSLETTERS_WORKERS = 0
    (reader,) = subscribe(newsletter, 1)
    send, _ = run(sends.queue_issue, issue)
    send.deliveries.update(status="failed", failure="gave_up", attempts=5)
    reader.set_status(Subscriber.Status.BOUNCED, "mailbox gone")
    reader.save()
    assert controls.failure_counts(send) == {"retryable": 0, "refused": 0, "unsubscribed": 1}
    assert controls.retry_failed(send) == 0
    assert send.deliveries.get().status == "failed"
