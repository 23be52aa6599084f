"""Sign-ups and confirmations racing each other on a real PostgreSQL."""


import pytest
from django.core import mail
from django.db import connection  # noqa: F401 - read by skipif

from core.tests.concurrency import all_at_once
from newsletters.models import Subscriber, Subscription
from newsletters.subscriptions import subscribing
from newsletters.tests.factories import NewsletterPageFactory, SubscriberFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'",
        reason="SQLite serialises every write, so it cannot show a race; CI runs this on PostgreSQL.",
    ),
]

THREADS = 10


@pytest.fixture
def daily(index):
    return NewsletterPageFactory(parent=index, title="Daily Briefing")


def test_the_same_new_address_signing_up_at_once_is_stored_once(daily):
    all_at_once(*[(subscribing.request_confirmation, "ada@example.com", [daily.pk])] * THREADS)
    assert Subscriber.objects.filter(email="ada@example.com").count() == 1
    assert len(mail.outbox) == THREADS  # the per-address limit lives in the view, not tested here


def test_the_same_confirmation_link_followed_at_once_subscribes_once(daily):
    subscriber = SubscriberFactory(status=Subscriber.Status.PENDING)
    all_at_once(*[(subscribing.confirm, subscriber.pk, [daily.pk])] * THREADS)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert Subscription.objects.filter(subscriber=subscriber).count() == 1


def test_status_follows_the_subscriptions_when_changes_race(index, daily):
    """Leaving the last newsletter while confirming another must not end "unsubscribed" with a
    subscription: each change locks the subscriber and decides the status from what it sees."""
    weekly = NewsletterPageFactory(parent=index, title="Research Weekly")
    for _ in range(20):
        subscriber = SubscriberFactory()
        Subscription.objects.create(subscriber=subscriber, newsletter=daily)
        all_at_once(
            (subscribing.unsubscribe, subscriber.pk, daily.pk),
            (subscribing.confirm, subscriber.pk, [weekly.pk]),
        )
        subscriber.refresh_from_db()
        assert list(subscriber.subscriptions.values_list("newsletter", flat=True)) == [weekly.pk]
        assert subscriber.status == Subscriber.Status.CONFIRMED
