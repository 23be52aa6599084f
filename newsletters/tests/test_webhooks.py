"""Bounces and complaints arrive by django-anymail's tracking webhook (Postmark's here) and
suppress the address: its unsent deliveries are dropped and it is never mailed again."""

import base64
import json

import pytest
from anymail.exceptions import AnymailInsecureWebhookWarning
from django.core import mail

from newsletters.models import Delivery, Send, Subscriber
from newsletters.sending import sends
from newsletters.tests.sending_setup import make_issue, make_newsletter, subscribe

pytestmark = pytest.mark.django_db

URL = "/anymail/postmark/tracking/"
SECRET = "postmark:correct-horse-battery"


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}


def post_event(client, payload, auth=SECRET):
    headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}
    return client.post(URL, json.dumps(payload), content_type="application/json", **headers)


def bounce(email, kind="HardBounce"):
    return {
        "RecordType": "Bounce",
        "Type": kind,
        "ID": 4323372036854775807,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Email": email,
        "BouncedAt": "2026-11-20T09:00:00Z",
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
    }


def complaint(email):
    return {
        "RecordType": "SpamComplaint",
        "Type": "SpamComplaint",
        "ID": 42,
        "Email": email,
        "BouncedAt": "2026-11-20T09:05:00Z",
        "Description": "The subscriber explicitly marked this message as spam.",
    }


@pytest.fixture
def pending_send(home, settings, django_capture_on_commit_callbacks):
    """A send with its deliveries created and no worker on it yet."""
    newsletter = make_newsletter(home)
    readers = subscribe(newsletter, 3)
    settings.NEWSLETTERS_WORKERS = 0
    with django_capture_on_commit_callbacks(execute=True):
        send, _ = sends.queue_issue(make_issue(newsletter))
    settings.NEWSLETTERS_WORKERS = 1
    return send, readers


def test_hard_bounce_suppresses_the_address_and_its_unsent_deliveries(
    client, pending_send, django_capture_on_commit_callbacks
):
    send, (alice, bob, carol) = pending_send
    response = post_event(client, bounce(bob.email.upper()))  # addresses match case-insensitively
    assert response.status_code == 200

    bob.refresh_from_db()
    assert bob.status == Subscriber.Status.BOUNCED and bob.is_suppressed
    assert bob.status_reason.startswith("Postmark: bounced (The server was unable to deliver")
    assert Delivery.objects.get(subscriber=bob).status == "suppressed"

    with django_capture_on_commit_callbacks(execute=True):
        sends.fan_out(send.pk)
    assert sorted(message.to[0] for message in mail.outbox) == [alice.email, carol.email]
    send.refresh_from_db()
    assert send.status == Send.Status.FINISHED


def test_complaint_suppresses_and_a_later_bounce_does_not_soften_it(client, pending_send):
    _, (alice, _, _) = pending_send
    assert post_event(client, complaint(alice.email)).status_code == 200
    assert post_event(client, bounce(alice.email)).status_code == 200
    alice.refresh_from_db()
    assert alice.status == Subscriber.Status.COMPLAINED
    assert "marked this message as spam" in alice.status_reason


def test_a_suppressed_address_is_left_out_of_the_next_issue(client, home, django_capture_on_commit_callbacks):
    newsletter = make_newsletter(home)
    alice, bob = subscribe(newsletter, 2)
    post_event(client, bounce(bob.email))
    with django_capture_on_commit_callbacks(execute=True):
        send, _ = sends.queue_issue(make_issue(newsletter))
    send.refresh_from_db()
    assert send.recipients == 1 and [message.to for message in mail.outbox] == [[alice.email]]


def test_a_deferred_soft_bounce_changes_nothing(client, pending_send):
    _, (alice, _, _) = pending_send
    assert post_event(client, bounce(alice.email, kind="Transient")).status_code == 200
    alice.refresh_from_db()
    assert alice.status == Subscriber.Status.CONFIRMED
    assert Delivery.objects.get(subscriber=alice).status == "pending"


def test_unknown_address_is_acknowledged_and_ignored(client, db):
    assert post_event(client, bounce("nobody@example.org")).status_code == 200
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("auth", ["postmark:wrong-password", "", "intruder:correct-horse-battery"])
def test_wrong_or_missing_credentials_are_refused(client, pending_send, auth):
    _, (alice, _, _) = pending_send
    response = post_event(client, bounce(alice.email), auth=auth)
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.status == Subscriber.Status.CONFIRMED
    assert Delivery.objects.get(subscriber=alice).status == "pending"


def test_without_a_configured_secret_no_event_is_trusted(client, pending_send, settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": ""}
    _, (alice, _, _) = pending_send
    with pytest.warns(AnymailInsecureWebhookWarning):  # anymail itself would take anything
        response = post_event(client, bounce(alice.email), auth=None)
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.status == Subscriber.Status.CONFIRMED
