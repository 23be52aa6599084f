"""Delivery: the precomposed SMTP message is the message Django would compose, and
an ESP's answers (through anymail's Postmark back end and a fake Postmark API) are sorted
into retries and permanent failures."""

import json
import threading
import uuid
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from bs4 import BeautifulSoup
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from newsletters.analytics import tracking
from newsletters.issues.rendering import personal_links, personalise
from newsletters.models import Delivery, Send
from newsletters.sending import sends
from newsletters.sending.delivery import (
    EmailDelivery,
    Message,
    PermanentFailure,
    ServerUnavailable,
    TemporaryFailure,
)
from newsletters.subscriptions import links
from newsletters.tests.mailserver import DROP, MailServer
from newsletters.tests.sending_setup import make_issue, make_newsletter, smtp_settings, subscribe

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def newsletter_message(**changes):
    fields = {
        "to": "ada@example.com",
        "subject": "Bitcoin’s grade — up 5 points",
        "text": "Hello Ada,\nBTC · 81.5 (+5)\n.\nUnsubscribe: https://example.com/email/unsubscribe/1.2:x/\n",
        "html": "<p>Hello Ada — <b>BTC</b> 81.5</p>\n<p><a href='https://example.com/u/1.2:x/'>Unsubscribe</a></p>",
        "headers": {
            "List-Unsubscribe": "<https://example.com/email/unsubscribe/1.2:x/>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }
    return Message(**{**fields, **changes})


def django_composed(message, from_email="Token Research <research@example.com>"):
    email = EmailMultiAlternatives(
        message.subject, message.text, from_email, [message.to], headers=message.headers
    )
    email.attach_alternative(message.html, "text/html")
    return email.message().as_bytes(linesep="\r\n")


def parsed(wire):
    return message_from_bytes(wire, policy=policy.default)


@pytest.fixture
def smtp_delivery(settings):
    """An EmailDelivery over Django's SMTP back end (it composes without connecting)."""
    settings.NEWSLETTERS_EMAIL_BACKEND = SMTP
    settings.DEFAULT_FROM_EMAIL = "Token Research <research@example.com>"
    return EmailDelivery()


def test_precomposed_message_is_the_message_django_composes(smtp_delivery):
    delivery = smtp_delivery
    message = newsletter_message()
    wire = delivery.precomposed(message)
    assert wire is not None and delivery.wire(message) is not None
    ours, django = parsed(wire), parsed(django_composed(message))

    per_message = {"Date", "Message-ID", "Content-Type"}  # the multipart boundary is random too
    names = [name for name in ours if name not in per_message]
    assert names == [name for name in django if name not in per_message]
    for name in ours:
        if name not in per_message:
            assert ours[name] == django[name], name
    assert ours.get_content_type() == django.get_content_type() == "multipart/alternative"
    assert ours["Subject"] == "Bitcoin’s grade — up 5 points" and ours["To"] == "ada@example.com"
    for subtype in ("plain", "html"):
        ours_part, django_part = ours.get_body((subtype,)), django.get_body((subtype,))
        assert ours_part.get_content() == django_part.get_content()
        assert ours_part["Content-Transfer-Encoding"] == django_part["Content-Transfer-Encoding"] == "8bit"
    assert b"\r\n" in wire and b"\n" not in wire.replace(b"\r\n", b"")  # CRLF line ends only

    second = parsed(delivery.wire(newsletter_message(to="bob@example.com")))
    assert second["To"] == "bob@example.com"
    assert second["Message-ID"] != ours["Message-ID"]


@pytest.mark.parametrize(
    "changes",
    [
        {"html": "<p>" + "word " * 300 + "</p>"},  # a line longer than SMTP allows: Django folds it
        {"to": "josé@example.com"},
        {"headers": {"List-Unsubscribe": "<https://example.com/ü/>"}},
    ],
)
def test_what_does_not_fit_the_skeleton_is_composed_by_django(smtp_delivery, changes):
    message = newsletter_message(**changes)
    assert smtp_delivery.precomposed(message) is None
    html = parsed(smtp_delivery.wire(message)).get_body(("html",)).get_content()
    assert html.replace("\r\n", "\n") == message.html


def test_header_injection_is_not_precomposed(smtp_delivery):
    sneaky = "<https://example.com/>\r\nBcc: someone@evil.example"
    message = newsletter_message(headers={"List-Unsubscribe": sneaky})
    assert smtp_delivery.precomposed(message) is None


def test_over_smtp_one_session_of_our_own_carries_the_precomposed_messages(settings):
    """Precomposed messages go out on the SMTP session smtp_session() opens from the EMAIL_*
    settings; one that does not fit the skeleton goes through Django's SMTP back end."""
    settings.DEFAULT_FROM_EMAIL = "Token Research <research@example.com>"
    long_line = "word " * 300  # longer than SMTP allows: Django encodes it
    with MailServer() as server:
        smtp_settings(settings, server)
        delivery = EmailDelivery()
        delivery.open()
        for to in ("ada@example.com", "bob@example.com"):
            delivery.send(newsletter_message(to=to))
        delivery.send(newsletter_message(to="cy@example.com", text=long_line))
        delivery.close()
        assert delivery.smtp is None
        received = {to: server.message(to) for to in ("ada@example.com", "bob@example.com", "cy@example.com")}
        assert server.received == dict.fromkeys(received, 1)
        assert server.connections_used == 2  # ours for ada and bob, Django's for cy
    for to, email in received.items():
        assert email["To"] == to and email["Subject"] == "Bitcoin’s grade — up 5 points"
        assert email.get_body(("html",)).get_content().replace("\r\n", "\n") == newsletter_message().html
    assert received["ada@example.com"].get_body(("plain",))["Content-Transfer-Encoding"] == "8bit"
    cy_text = received["cy@example.com"].get_body(("plain",))
    assert cy_text["Content-Transfer-Encoding"] == "quoted-printable"
    assert cy_text.get_content().rstrip() == long_line.rstrip()


def test_smtp_failures_on_our_session_are_sorted_and_the_session_reopens(settings):
    settings.DEFAULT_FROM_EMAIL = "research@example.com"
    with MailServer() as server:
        smtp_settings(settings, server)
        server.refuse_recipient("gone@example.com")
        server.answer_data("busy@example.com", "451 4.3.0 Mailbox busy, try later")
        server.answer_data("dropped@example.com", DROP)
        server.answer_data("closing@example.com", "421 4.3.2 Closing, try later")
        delivery = EmailDelivery()
        delivery.open()
        with pytest.raises(PermanentFailure, match="recipient refused: 550"):
            delivery.send(newsletter_message(to="gone@example.com"))
        with pytest.raises(TemporaryFailure, match="server deferred: 451") as deferred:
            delivery.send(newsletter_message(to="busy@example.com"))
        assert not isinstance(deferred.value, ServerUnavailable)
        # The connection broke under this message. A new one opened at once tells a server
        # that broke on this message (charge it) from one that is down (charge nobody).
        with pytest.raises(TemporaryFailure, match="connection failed: SMTPServerDisconnected") as dropped:
            delivery.send(newsletter_message(to="dropped@example.com"))
        assert not isinstance(dropped.value, ServerUnavailable) and not delivery.needs_open
        # A 421 is the server closing on us, whatever the recipient: the send waits for it,
        # even though a new session would get in at once.
        with pytest.raises(ServerUnavailable, match="^server answered 421 4.3.2 Closing, try later$"):
            delivery.send(newsletter_message(to="closing@example.com"))
        delivery.send(newsletter_message(to="ada@example.com"))  # over a new session
        delivery.close()
        assert server.received == {"ada@example.com": 1}


def test_a_server_gone_mid_session_is_unavailable_not_a_recipients_failure(settings):
    settings.DEFAULT_FROM_EMAIL = "research@example.com"
    with MailServer() as server:
        smtp_settings(settings, server)
        delivery = EmailDelivery()
        delivery.send(newsletter_message(to="ada@example.com"))
        server.stop()
        with pytest.raises(ServerUnavailable, match="^connection refused$"):
            delivery.send(newsletter_message(to="bob@example.com"))
    assert server.received == {"ada@example.com": 1}


def test_a_server_that_cannot_be_reached_is_unavailable(settings):
    with MailServer() as server:
        port = server.port
    settings.NEWSLETTERS_EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    delivery = EmailDelivery()
    with pytest.raises(ServerUnavailable, match="^connection refused$"):
        delivery.open()
    assert delivery.smtp is None and delivery.needs_open


@pytest.mark.parametrize(
    ("tls", "reason"),
    [
        ({"EMAIL_USE_TLS": True}, "TLS failed: STARTTLS extension not supported by server"),
        ({"EMAIL_USE_SSL": True}, "TLS failed: "),
    ],
)
def test_tls_failing_is_unavailable(settings, tls, reason):
    with MailServer() as server:  # speaks plain SMTP only
        smtp_settings(settings, server)
        for name, value in tls.items():
            setattr(settings, name, value)
        with pytest.raises(ServerUnavailable) as failure:
            EmailDelivery().open()
    assert str(failure.value).startswith(reason)


@pytest.mark.django_db
def test_a_send_over_smtp_arrives_as_composed(home, settings, django_capture_on_commit_callbacks):
    newsletter = make_newsletter(home)
    (reader,) = subscribe(newsletter, 1)
    long_paragraph = "<p>" + "Ether slipped while the market waited for the upgrade. " * 60 + "</p>"
    issue = make_issue(
        newsletter,
        subject="Ether’s grade slips",
        body=json.dumps([{"type": "paragraph", "value": long_paragraph, "id": str(uuid.uuid4())}]),
    )
    with MailServer() as server:
        smtp_settings(settings, server)
        with django_capture_on_commit_callbacks(execute=True):
            send, _ = sends.queue_issue(issue)
        received = server.message(reader.email)
    send.refresh_from_db()
    assert received["Subject"] == "Ether’s grade slips"
    part = received.get_body(("html",))
    html = part.get_content().replace("\r\n", "\n")
    urls = {
        **personal_links(reader.pk, newsletter.pk),
        **tracking.tracking_links(send.pk, send.deliveries.get().pk),  # its open image and redirects
    }
    assert html == personalise(send.html, reader.pk, newsletter.pk, urls)
    # The long paragraph was folded between words when the send was frozen, so the
    # message went out precomposed as 8bit instead of quoted-printable.
    assert part["Content-Transfer-Encoding"] == "8bit"
    assert max(len(line.encode()) for line in send.html.split("\n")) <= 800
    words = BeautifulSoup(html, "html.parser").get_text(" ").split()
    assert " ".join(words).count("Ether slipped while the market waited for the upgrade.") == 60


# --- An ESP through anymail: a fake Postmark API ---


class FakePostmark(BaseHTTPRequestHandler):
    """Answers POST /email from a script: [(status, json body), ...] in the order requests
    come, or {recipient: (status, json body)} whatever the order; then 200 OK."""

    script = []
    received = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakePostmark.received.append(payload)
        to = payload["To"]
        script = FakePostmark.script
        if isinstance(script, dict):
            status, body = script.pop(to, (200, None))
        else:
            status, body = script.pop(0) if script else (200, None)
        body = body or {
            "To": to,
            "SubmittedAt": "2026-11-20T09:00:00Z",
            "MessageID": "m-1",
            "ErrorCode": 0,
            "Message": "OK",
        }
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def postmark(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePostmark)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakePostmark.script, FakePostmark.received = [], []
    settings.NEWSLETTERS_EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {
        **settings.ANYMAIL,
        "POSTMARK_SERVER_TOKEN": "test-token",
        "POSTMARK_API_URL": f"http://127.0.0.1:{server.server_port}/",
    }
    settings.NEWSLETTERS_MAX_ATTEMPTS = 3
    yield FakePostmark
    server.shutdown()


def inactive_message(email):
    return (
        "You tried to send to a recipient that has been marked as inactive.\n"
        f"Found inactive addresses: {email}.\n"
        "Inactive recipients are ones that have generated a hard bounce or a spam complaint. "
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (503, {"ErrorCode": 100, "Message": "Maintenance"}, "ESP unreachable"),
        (401, {"ErrorCode": 10, "Message": "Bad or missing Server API token"}, "ESP refused our credentials"),
    ],
)
def test_an_esp_outage_or_bad_token_pauses_the_send_uncharged(
    home, postmark, django_capture_on_commit_callbacks, status, body, reason
):
    newsletter = make_newsletter(home)
    subscribe(newsletter, 3)
    postmark.script = [(status, body)]
    with django_capture_on_commit_callbacks(execute=True):
        send, _ = sends.queue_issue(make_issue(newsletter))
    send.refresh_from_db()
    assert send.status == "waiting" and send.outage_reason.startswith(reason)
    assert set(Delivery.objects.values_list("status", "attempts")) == {("pending", 0)}
    assert len(postmark.received) == 1  # the first message told; the rest waited

    Send.objects.filter(pk=send.pk).update(next_try_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        sends.resume_stalled()  # the ESP is back (the script is spent)
    send.refresh_from_db()
    assert send.status == "finished" and send.outage_since is None
    assert set(Delivery.objects.values_list("status", "attempts")) == {("sent", 0)}
    assert sorted(message["To"] for message in postmark.received[1:]) == sorted(
        Delivery.objects.values_list("subscriber__email", flat=True)
    )


@pytest.mark.django_db
def test_esp_refusals_are_recorded_and_the_others_sent(home, postmark, django_capture_on_commit_callbacks):
    newsletter = make_newsletter(home)
    refused, invalid, fine = subscribe(newsletter, 3)
    postmark.script = {  # by recipient: the workers' order of sending is theirs to choose
        refused.email: (422, {"ErrorCode": 406, "Message": inactive_message(refused.email)}),
        invalid.email: (422, {"ErrorCode": 300, "Message": f"Invalid 'To' address: '{invalid.email}'."}),
    }
    with django_capture_on_commit_callbacks(execute=True):
        sends.queue_issue(make_issue(newsletter))

    outcome = {d.subscriber_id: d for d in Delivery.objects.all()}
    for refusal in (outcome[refused.pk], outcome[invalid.pk]):
        assert refusal.status == "failed" and refusal.error.startswith("recipient refused")
        assert refusal.failure == "refused"
    assert outcome[fine.pk].status == "sent"
    first = postmark.received[0]
    assert first["Headers"] == [
        {"Name": "List-Unsubscribe", "Value": first["Headers"][0]["Value"]},
        {"Name": "List-Unsubscribe-Post", "Value": "List-Unsubscribe=One-Click"},
    ]
    assert "/email/unsubscribe/" in first["Headers"][0]["Value"] and "%%" not in first["HtmlBody"]


def test_links_made_from_a_cached_url_are_the_reversed_links(settings):
    for subscriber_id, newsletter_id in [(1, 0), (123456, 78)]:
        token = links.unsubscribe_token(subscriber_id, newsletter_id)
        expected = links.absolute(reverse("newsletters:unsubscribe", args=[token]))
        assert links.unsubscribe_url(subscriber_id, newsletter_id) == expected
        token = links.subscriber_token(subscriber_id, links.PREFERENCES_SALT)
        expected = links.absolute(reverse("newsletters:preferences", args=[token]))
        assert links.preferences_url(subscriber_id) == expected
    settings.SITE_URL = "https://news.example.org/"
    assert links.unsubscribe_url(1, 2).startswith("https://news.example.org/email/unsubscribe/")
