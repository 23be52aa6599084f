"""Open and click tracking: what a send carries, what the endpoints answer, how each event
is judged, and the bounces, complaints and unsubscribes put down to a send."""

import datetime
import html
import re

import pytest
from django.utils import timezone

from newsletters.analytics import classify, recording, reports
from newsletters.models import Delivery, DeliveryOutcome, TrackedLink, TrackingEvent, Unsubscribe
from newsletters.sending import sends
from newsletters.subscriptions import links as subscription_links
from newsletters.tests.mailserver import MailServer
from newsletters.tests.sending_setup import make_issue, make_newsletter, smtp_settings, subscribe
from newsletters.tests.tracking_setup import (
    APPLE_PROXY,
    BROWSER,
    LINKS,
    body_with_links,
    click_url,
    open_url,
    path_of,
    sent_issue,
    wsgi_get,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def direct_writes(settings):
    """Events stored in the request: the tests read them back at once (buffering has its own)."""
    settings.NEWSLETTERS_TRACKING_REDIS_URL = ""


def figures(send):
    return reports.figures_for_sends([send.pk])[send.pk]


def test_a_real_send_carries_each_readers_own_image_and_redirects_and_counts_what_they_do(
    home, settings, client, django_capture_on_commit_callbacks
):
    newsletter = make_newsletter(home)
    alice, bob, carol = subscribe(newsletter, 3)
    issue = make_issue(newsletter, body=body_with_links(), subject="Grades this morning")
    with MailServer() as server:
        smtp_settings(settings, server)
        with django_capture_on_commit_callbacks(execute=True):
            send, _ = sends.queue_issue(issue)
        messages = {reader.email: server.message(reader.email) for reader in (alice, bob, carol)}
    send.refresh_from_db()
    assert send.status == "finished"
    recorded = dict(TrackedLink.objects.filter(send=send).values_list("url", "number"))
    for url in LINKS:
        assert html.unescape(url) in recorded  # stored as the reader's browser will follow it

    bodies = {}
    for reader in (alice, bob, carol):
        message = messages[reader.email]
        page = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        delivery = Delivery.objects.get(send=send, subscriber=reader)
        assert open_url(delivery) in page
        assert text.count(open_url(delivery)) == 0  # no image in plain text
        for body in (page, text):
            assert "research.example.com" not in body  # every link goes through the redirect
            assert "%%" not in body
            assert subscription_links.unsubscribe_url(reader.pk, newsletter.pk) in body  # left as it was
        hrefs = [html.unescape(href) for href in re.findall(r'href="([^"]+)"', page)]
        tracked = [href for href in hrefs if "/email/c/" in href]
        assert len(tracked) >= len(LINKS)
        assert all(href.startswith(click_url(delivery, 1).rsplit("/", 2)[0]) for href in tracked)
        assert re.findall(r"https?://\S+/email/c/\S+/\d+/", text)
        bodies[reader.email] = (page, tracked, delivery)
    # Minutes later, as a person would: Alice opens and clicks link 2 twice, Bob's mail
    # app is behind Apple's proxy, Carol never opens.
    Delivery.objects.filter(send=send).update(sent_at=timezone.now() - datetime.timedelta(minutes=30))
    page, tracked, alice_delivery = bodies[alice.email]
    assert client.get(path_of(open_url(alice_delivery)), HTTP_USER_AGENT=BROWSER).status_code == 200
    second = next(href for href in tracked if href.endswith("/2/"))
    for _ in range(2):
        response = client.get(path_of(second), HTTP_USER_AGENT=BROWSER)
        assert response.status_code == 302
        assert response["Location"] == TrackedLink.objects.get(send=send, number=2).url
    bob_delivery = bodies[bob.email][2]
    assert client.get(path_of(open_url(bob_delivery)), HTTP_USER_AGENT=APPLE_PROXY).status_code == 200

    result = figures(send)
    assert (result.sent, result.delivered, result.human_opens, result.all_opens) == (3, 3, 1, 2)
    assert result.unique_clicks == 1 and result.click_rate == pytest.approx(1 / 3)
    assert result.click_to_open == 1.0
    by_link = {link.number: link for link in reports.link_figures(send.pk)}
    assert (by_link[2].unique_clicks, by_link[2].human_clicks) == (1, 2)
    assert by_link[1].unique_clicks == 0


def test_switched_off_the_email_carries_neither_image_nor_redirects(home, settings):
    settings.NEWSLETTERS_TRACK_OPENS = False
    settings.NEWSLETTERS_TRACK_CLICKS = False
    send, _ = sent_issue(home)
    assert "/email/o/" not in send.html and "%%open_url%%" not in send.html
    assert "%%click_base%%" not in send.html + send.text
    assert "research.example.com/grades/" in send.html
    assert not TrackedLink.objects.filter(send=send).exists()


def test_opens_and_clicks_switch_off_separately(home, settings):
    settings.NEWSLETTERS_TRACK_CLICKS = False
    send, _ = sent_issue(home, title="Research Weekly")
    assert "%%open_url%%" in send.html and "%%click_base%%" not in send.html
    settings.NEWSLETTERS_TRACK_CLICKS, settings.NEWSLETTERS_TRACK_OPENS = True, False
    other, _ = sent_issue(home, title="Alerts Digest")
    assert "%%open_url%%" not in other.html and "%%click_base%%" in other.html


@pytest.mark.parametrize("method", ["get", "head"])
def test_answers_set_no_cookie_and_are_not_cached(home, client, method):
    send, (delivery, *_) = sent_issue(home)
    for url in (open_url(delivery), click_url(delivery, 1)):
        response = getattr(client, method)(path_of(url), HTTP_USER_AGENT=BROWSER)
        assert response.status_code in (200, 302)
        assert "Set-Cookie" not in response and not response.cookies
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert "Cookie" not in response.get("Vary", "")
    assert client.get(path_of(open_url(delivery)))["Content-Type"] == "image/gif"


def test_bad_tokens_and_unrecorded_links_get_the_404_page_and_no_event(home, client):
    send, (delivery, *_) = sent_issue(home)
    other_send, (other_delivery, *_) = sent_issue(home, title="Research Weekly")
    TrackedLink.objects.create(send=other_send, number=9, url="https://elsewhere.example.net/")
    good_open, good_click = path_of(open_url(delivery)), path_of(click_url(delivery, 1))
    token = good_open.split("/")[3].removesuffix(".gif")
    send_id, _, rest = token.partition(".")
    bad = [
        good_open.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B")),  # tampered signature
        good_open.replace(token, f"{send_id}.{delivery.pk + 1000}:{token.split(':')[1]}"),  # other ids
        "/email/o/made-up.gif",
        "/email/c/made-up/1/",
        good_click.replace("/1/", "/9/"),  # a link of another send, not this one
        good_click.replace("/1/", "/99999999/"),
    ]
    for path in bad:
        response = client.get(path, HTTP_USER_AGENT=BROWSER)
        assert response.status_code == 404, path
        assert "text/html" in response["Content-Type"]
        assert "elsewhere.example.net" not in response.get("Location", "")
    assert client.post(good_open).status_code == 405
    assert not TrackingEvent.objects.exists()


@pytest.mark.parametrize(
    ("method", "agent", "minutes", "machine", "reason"),
    [
        ("GET", BROWSER, 30, False, classify.HUMAN),
        ("GET", APPLE_PROXY, 30, True, classify.APPLE_PROXY),
        ("GET", "Mozilla/5.0 (Windows NT 5.1) GoogleImageProxy", 30, False, classify.HUMAN),
        ("HEAD", BROWSER, 30, True, classify.HEAD),
        ("GET", "", 30, True, classify.NO_AGENT),
        ("GET", "Barracuda Sentinel (EE)", 30, True, "link scanner or bot: barracuda"),
        ("GET", BROWSER, 0, True, "within 10 s of delivery"),
    ],
)
def test_each_open_is_stored_with_why_it_was_judged_a_machines_or_a_readers(
    home, client, method, agent, minutes, machine, reason
):
    send, (delivery, *_) = sent_issue(home, sent_ago=datetime.timedelta(minutes=minutes))
    client.generic(method, path_of(open_url(delivery)), HTTP_USER_AGENT=agent)
    event = TrackingEvent.objects.get()
    assert (event.kind, event.machine, event.reason, event.method) == ("open", machine, reason, method)
    assert figures(send).human_opens == (0 if machine else 1)
    assert figures(send).all_opens == 1


def test_a_scanner_clicking_every_link_at_once_is_counted_apart_and_a_reader_is_not(home, client):
    send, (scanned, reader, *_) = sent_issue(home)
    for number in (1, 2, 3):
        client.get(path_of(click_url(scanned, number)), HTTP_USER_AGENT=BROWSER)
    # The reader clicks two links, minutes apart.
    client.get(path_of(click_url(reader, 1)), HTTP_USER_AGENT=BROWSER)
    TrackingEvent.objects.filter(delivery=reader).update(at=timezone.now() - datetime.timedelta(minutes=5))
    client.get(path_of(click_url(reader, 2)), HTTP_USER_AGENT=BROWSER)

    scanner_events = TrackingEvent.objects.filter(delivery=scanned)
    assert scanner_events.count() == 3
    burst = (True, "link scanner: 3 links clicked within 5 s")
    assert set(scanner_events.values_list("machine", "reason")) == {burst}
    assert set(TrackingEvent.objects.filter(delivery=reader).values_list("machine", flat=True)) == {False}
    result = figures(send)
    assert (result.unique_clicks, result.human_opens, result.all_opens) == (1, 1, 2)


def test_buffered_events_reach_the_report_once_flushed(home, client, settings):
    settings.NEWSLETTERS_TRACKING_REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/4"
    buffer = recording.buffer()
    buffer.client.delete(buffer.queue, buffer.inflight_index)
    send, (delivery, *_) = sent_issue(home)
    assert client.get(path_of(open_url(delivery)), HTTP_USER_AGENT=BROWSER).status_code == 200
    assert client.get(path_of(click_url(delivery, 3)), HTTP_USER_AGENT=BROWSER).status_code == 302
    assert not TrackingEvent.objects.exists()  # the reader did not wait for the database
    assert buffer.waiting() == 2
    assert recording.flush_all() == 2
    assert buffer.waiting() == 0
    result = figures(send)
    assert (result.human_opens, result.unique_clicks) == (1, 1)


def test_bounces_and_complaints_land_on_the_delivery_they_were_about(home, client, settings):
    import base64
    import json

    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "postmark:secret"}
    send, (bounced, complained, fine) = sent_issue(home)
    auth = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"postmark:secret").decode()}
    now = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    for delivery, record in ((bounced, "Bounce"), (complained, "SpamComplaint")):
        payload = {
            "RecordType": record,
            "Type": "HardBounce" if record == "Bounce" else "SpamComplaint",
            "ID": delivery.pk,
            "Email": delivery.subscriber.email,
            "BouncedAt": now,
            "Description": "test",
        }
        for _ in range(2):  # ESPs retry webhooks: counted once
            response = client.post(
                "/anymail/postmark/tracking/", json.dumps(payload), content_type="application/json", **auth
            )
            assert response.status_code == 200
    assert set(DeliveryOutcome.objects.values_list("delivery", "kind")) == {
        (bounced.pk, "bounced"),
        (complained.pk, "complained"),
    }
    result = figures(send)
    assert (result.sent, result.bounced, result.delivered, result.complained) == (3, 1, 2, 1)


def test_unsubscribes_are_put_down_to_the_latest_issue_the_reader_got(home, client):
    first, (delivery, *_) = sent_issue(home, sent_ago=datetime.timedelta(days=2))
    newsletter = first.issue.get_parent().specific
    second, _ = sent_issue(home, newsletter=newsletter, readers=0)
    second.deliveries.all().delete()
    subscriber = delivery.subscriber
    Delivery.objects.create(send=second, subscriber=subscriber, status="sent", sent_at=timezone.now())
    token = subscription_links.unsubscribe_token(subscriber.pk, newsletter.pk)
    assert client.post(f"/email/unsubscribe/{token}/").status_code == 200
    assert client.post(f"/email/unsubscribe/{token}/").status_code == 200  # once only
    unsubscribe = Unsubscribe.objects.get()
    assert (unsubscribe.send_id, unsubscribe.newsletter_id) == (second.pk, newsletter.pk)
    assert figures(second).unsubscribes == 1 and figures(first).unsubscribes == 0


def test_the_wsgi_fast_path_answers_as_the_views_do(home):
    send, (delivery, *_) = sent_issue(home)
    status, headers, names, body = wsgi_get(path_of(open_url(delivery)))
    assert (status, headers["Content-Type"], body[:6]) == (200, "image/gif", b"GIF89a")
    assert headers["Cache-Control"] == "private, no-store" and "Set-Cookie" not in names
    status, headers, names, _ = wsgi_get(path_of(click_url(delivery, 2)))
    assert status == 302 and headers["Location"] == TrackedLink.objects.get(send=send, number=2).url
    assert wsgi_get(path_of(open_url(delivery)), method="HEAD")[3] == b""
    assert TrackingEvent.objects.filter(delivery=delivery).count() == 3
    # Bad tokens and unknown links reach Django, and its 404 page.
    for path in ("/email/o/made-up.gif", path_of(click_url(delivery, 99))):
        status, headers, names, body = wsgi_get(path)
        assert status == 404 and "text/html" in headers["Content-Type"]
    assert TrackingEvent.objects.count() == 3
