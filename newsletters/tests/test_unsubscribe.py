"""Unsubscribing by the per-recipient signed link: a confirm page on GET, RFC 8058 one-click POST."""

import pytest
from django.test import Client

from newsletters.models import Subscriber
from newsletters.subscriptions import links
from newsletters.tests.factories import (
    NewsletterIndexPageFactory,
    NewsletterPageFactory,
    SubscriberFactory,
    SubscriptionFactory,
    TokenFollowFactory,
)

pytestmark = pytest.mark.django_db
Status = Subscriber.Status


@pytest.fixture
def newsletters(home):
    index = NewsletterIndexPageFactory(parent=home)
    return NewsletterPageFactory(parent=index, title="Daily Briefing"), NewsletterPageFactory(
        parent=index, title="Research Weekly"
    )


@pytest.fixture
def reader(newsletters):
    daily, weekly = newsletters
    subscriber = SubscriberFactory(email="ada@example.com")
    SubscriptionFactory(subscriber=subscriber, newsletter=daily)
    SubscriptionFactory(subscriber=subscriber, newsletter=weekly)
    return subscriber


def path(url):
    return url.removeprefix(links.absolute(""))


def one_click(url, **extra):
    """What a mail provider sends (RFC 8058): no cookies, no CSRF token, just this body."""
    return Client(enforce_csrf_checks=True).post(
        path(url), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded", **extra
    )


def newsletters_of(subscriber):
    return set(subscriber.subscriptions.values_list("newsletter__title", flat=True))


def test_get_shows_a_confirm_page_and_changes_nothing(client, reader, newsletters):
    daily, _ = newsletters
    response = client.get(path(links.unsubscribe_url(reader.pk, daily.pk)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stop getting <strong>Daily Briefing</strong> at ada@example.com?" in html
    assert '<form method="post">' in html and ">Unsubscribe</button>" in html
    assert newsletters_of(reader) == {"Daily Briefing", "Research Weekly"}


def test_one_click_post_unsubscribes_at_once_without_cookies_or_csrf(reader, newsletters):
    daily, weekly = newsletters
    response = one_click(links.unsubscribe_url(reader.pk, daily.pk))
    assert response.status_code == 200
    assert "We will send no more of Daily Briefing" in response.content.decode()
    reader.refresh_from_db()
    assert newsletters_of(reader) == {"Research Weekly"}
    assert reader.status == Status.CONFIRMED  # still gets the other one

    one_click(links.unsubscribe_url(reader.pk, weekly.pk))
    reader.refresh_from_db()
    assert newsletters_of(reader) == set()
    assert reader.status == Status.UNSUBSCRIBED


def test_one_click_accepts_a_multipart_body(reader, newsletters):
    daily, _ = newsletters
    response = Client(enforce_csrf_checks=True).post(
        path(links.unsubscribe_url(reader.pk, daily.pk)), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert newsletters_of(reader) == {"Research Weekly"}


def test_the_confirm_page_button_unsubscribes(reader, newsletters):
    _, weekly = newsletters
    client = Client(enforce_csrf_checks=True)
    url = path(links.unsubscribe_url(reader.pk, weekly.pk))
    client.get(url)
    response = client.post(url)
    assert response.status_code == 200
    assert newsletters_of(reader) == {"Daily Briefing"}
    assert "Manage your preferences" in response.content.decode()


def test_unsubscribing_twice_is_harmless(reader, newsletters):
    daily, _ = newsletters
    url = links.unsubscribe_url(reader.pk, daily.pk)
    first, second = one_click(url), one_click(url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert newsletters_of(reader) == {"Research Weekly"}


def test_newsletter_zero_stops_the_grade_alerts(reader):
    TokenFollowFactory(subscriber=reader)
    TokenFollowFactory(subscriber=reader)
    response = one_click(links.unsubscribe_url(reader.pk, 0))
    assert response.status_code == 200
    assert "We will send no more grade alerts" in response.content.decode()
    assert not reader.follows.exists()
    reader.refresh_from_db()
    assert reader.status == Status.CONFIRMED  # the newsletters go on
    assert newsletters_of(reader) == {"Daily Briefing", "Research Weekly"}


def test_stopping_alerts_when_they_were_all_that_was_left_unsubscribes(newsletters):
    follower = SubscriberFactory()
    TokenFollowFactory(subscriber=follower)
    one_click(links.unsubscribe_url(follower.pk, 0))
    follower.refresh_from_db()
    assert follower.status == Status.UNSUBSCRIBED


def test_a_suppressed_address_stays_suppressed(newsletters):
    daily, _ = newsletters
    subscription = SubscriptionFactory(subscriber__status=Status.COMPLAINED, newsletter=daily)
    assert one_click(links.unsubscribe_url(subscription.subscriber_id, daily.pk)).status_code == 200
    subscription.subscriber.refresh_from_db()
    assert subscription.subscriber.status == Status.COMPLAINED
    assert not subscription.subscriber.subscriptions.exists()


def test_tampered_link_gets_a_400_page(client, reader, newsletters):
    daily, _ = newsletters
    url = path(links.unsubscribe_url(reader.pk, daily.pk))
    someone_else = url.replace(f"/unsubscribe/{reader.pk}.", f"/unsubscribe/{reader.pk + 1}.")
    assert someone_else != url
    for bad in (someone_else, "/email/unsubscribe/nonsense/"):
        for response in (client.get(bad), one_click(bad)):
            assert response.status_code == 400
            assert "This link is broken" in response.content.decode()
    assert newsletters_of(reader) == {"Daily Briefing", "Research Weekly"}


def test_a_deleted_address_is_already_unsubscribed(newsletters):
    daily, _ = newsletters
    gone = SubscriberFactory()
    url = links.unsubscribe_url(gone.pk, daily.pk)
    gone.delete()
    response = one_click(url)
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
