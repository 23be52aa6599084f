"""A broker that is down (in production, the Redis that is also the cache) does not fail a
visitor's sign-up, vote or API key request: each gets its usual answer at once, its email
waits in the outbox, and goes out once when broker and mail server are back."""

import re
import time

import pytest
from django.core import mail

from awards.models import Vote
from awards.tests.factories import category_with
from core.models import OutboxEmail
from core.outbox import BrokerState
from core.tasks import drain_outbox
from core.tests.broker import tasks_sent_to
from core.tests.faults import RedisServer
from newsletters.models import Subscriber
from newsletters.subscriptions.views import CHECK_YOUR_INBOX
from newsletters.tests.factories import NewsletterIndexPageFactory, NewsletterPageFactory, SubscriberFactory
from newsletters.tests.mailserver import MailServer

pytestmark = pytest.mark.django_db
ANSWER_WITHIN = 3  # seconds, generous: a refused broker gives up in about 0.3 s


def timed(request, *args, **kwargs):
    started = time.monotonic()
    response = request(*args, **kwargs)
    return response, time.monotonic() - started


def plain_text(server, address):
    return server.message(address).get_body(("plain",)).get_content()


def path_in(text, prefix):
    return re.search(rf"https?://[^/\s]+({prefix}\S+/)", text).group(1)


def test_sign_ups_votes_and_key_requests_survive_a_stopped_broker_and_are_mailed_once_it_is_back(
    client, home, settings, caplog
):
    daily = NewsletterPageFactory(
        parent=NewsletterIndexPageFactory(parent=home), title="Daily Briefing", subscribe_by_default=True
    )
    category, (depin, *_) = category_with("DePIN", "AI", title="Top Narratives")
    SubscriberFactory(email="known@example.com")
    SubscriberFactory(email="bounced@example.com", status=Subscriber.Status.BOUNCED)
    redis = RedisServer().start()
    redis.stop()

    answers = []
    with tasks_sent_to(redis.url):
        for address in ("new@example.com", "known@example.com", "bounced@example.com"):
            data = {"email": address, "homepage": "", "newsletter": [daily.pk]}
            answers.append(timed(client.post, "/email/subscribe/", data, HTTP_ACCEPT="application/json"))
        data = {"nominee": depin.pk, "email": "voter@example.com", "homepage": ""}
        answers.append(timed(client.post, category.get_absolute_url(), data))
        answers.append(timed(client.post, "/api/keys/", {"email": "dev@example.com"}))

    (new, known, bounced, vote, key), took = zip(*answers, strict=True)
    # The same answer whatever the address, as when the broker is up.
    same = (200, {"message": CHECK_YOUR_INBOX})
    assert [(r.status_code, r.json()) for r in (new, known, bounced)] == [same] * 3
    assert vote.status_code == 302 and vote["Location"].endswith("/sent/")
    assert key.status_code == 200 and "We sent a link to" in key.content.decode()
    assert max(took) < ANSWER_WITHIN
    assert mail.outbox == []
    assert sorted(OutboxEmail.objects.values_list("kind", "to", "status", "attempts")) == [
        ("api.key_link", "dev@example.com", "pending", 0),
        ("awards.ballot", "voter@example.com", "pending", 0),
        ("newsletters.confirmation", "bounced@example.com", "pending", 0),
        ("newsletters.confirmation", "known@example.com", "pending", 0),
        ("newsletters.confirmation", "new@example.com", "pending", 0),
    ]

    outage_logged = [r.getMessage() for r in caplog.records if r.name == "core.outbox"]
    assert len(outage_logged) == 1 and outage_logged[0].startswith("Celery broker unreachable")  # once

    BrokerState.down_until = None  # five seconds later
    redis.start()  # the broker is back: beat's drain reaches a worker again
    try:
        with tasks_sent_to(redis.url):
            drain_outbox.delay()
        assert redis.queued() == 1
    finally:
        redis.stop()
    with MailServer() as server:  # and so is the mail server
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        drain_outbox()  # what the worker runs
        drain_outbox()  # and the next one, a minute later: nothing is sent twice
        received = server.received
        signup_text, vote_text, key_text = (
            plain_text(server, to) for to in ("new@example.com", "voter@example.com", "dev@example.com")
        )

    assert received == dict.fromkeys(
        ("new@example.com", "known@example.com", "voter@example.com", "dev@example.com"), 1
    )
    assert OutboxEmail.objects.get(to="bounced@example.com").status == "dropped"  # suppressed: nothing sent
    # Everything each email needed was kept: its link works as if sent at once.
    assert client.get(path_in(signup_text, "/email/confirm/")).status_code == 200
    assert Subscriber.objects.get(email="new@example.com").status == Subscriber.Status.CONFIRMED
    vote_link = path_in(vote_text, "/awards/vote/")
    assert client.get(vote_link).status_code == 200  # the confirmation page: counts nothing
    assert not Vote.counted.exists()
    assert client.post(vote_link).status_code == 200  # "Confirm my vote"
    assert Vote.counted.get().email == "voter@example.com"
    assert client.get(path_in(key_text, "/api/keys/confirm/")).status_code == 200
