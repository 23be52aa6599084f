"""The preferences page behind the signed link: newsletters, grade alerts, leaving everything."""

import re

import pytest
from django.test import Client

from newsletters.models import Subscriber, TokenFollow
from newsletters.subscriptions import links
from newsletters.tests.factories import (
    NewsletterIndexPageFactory,
    NewsletterPageFactory,
    SubscriberFactory,
    SubscriptionFactory,
    TokenFactory,
    TokenFollowFactory,
)

pytestmark = pytest.mark.django_db
Status = Subscriber.Status


@pytest.fixture
def newsletters(home):
    index = NewsletterIndexPageFactory(parent=home)
    return (
        NewsletterPageFactory(parent=index, title="Daily Briefing", cadence="Every weekday morning"),
        NewsletterPageFactory(parent=index, title="Research Weekly", cadence="Fridays"),
    )


@pytest.fixture
def tokens(db):
    return {
        "ethereum": TokenFactory(slug="ethereum", name="Ethereum", symbol="ETH"),
        "solana": TokenFactory(slug="solana", name="Solana", symbol="SOL"),
        "sol-wormhole": TokenFactory(slug="sol-wormhole", name="Wrapped SOL", symbol="SOL"),
    }


@pytest.fixture
def reader(newsletters, tokens):
    daily, _ = newsletters
    subscriber = SubscriberFactory(email="ada@example.com")
    SubscriptionFactory(subscriber=subscriber, newsletter=daily)
    TokenFollowFactory(
        subscriber=subscriber, token=tokens["ethereum"], grade="investor", min_change=7, level=80
    )
    return subscriber


def url_for(subscriber):
    return links.preferences_url(subscriber.pk).removeprefix(links.absolute(""))


def form_data(newsletters=(), remove=(), token="", grade="trader", min_change="", level="", **extra):
    return {
        "action": "save",
        "newsletters": [n.pk for n in newsletters],
        "remove": [f.pk for f in remove],
        "token": token,
        "grade": grade,
        "min_change": min_change,
        "level": level,
        **extra,
    }


def state(subscriber):
    subscriber.refresh_from_db()
    return (
        subscriber.status,
        set(subscriber.subscriptions.values_list("newsletter__title", flat=True)),
        set(subscriber.follows.values_list("token__slug", "grade", "min_change", "level")),
    )


def test_page_shows_newsletters_ticked_and_the_followed_tokens(client, reader, newsletters):
    daily, weekly = newsletters
    response = client.get(url_for(reader))
    assert response.status_code == 200
    html = response.content.decode()
    assert "ada@example.com" in html
    ticked = re.findall(r'name="newsletters" value="(\d+)"[^>]*checked', html)
    assert ticked == [str(daily.pk)]
    assert f'name="newsletters" value="{weekly.pk}"' in html
    row = re.search(r"<tr>\s*<th scope=\"row\">Ethereum.*?</tr>", html, re.S).group(0)
    assert "Investor Grade" in row and "7 points" in row and "80" in row
    assert "Unsubscribe from everything" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_saving_changes_newsletters_and_alerts_together(client, reader, newsletters, tokens):
    _, weekly = newsletters
    follow = reader.follows.get()
    response = client.post(
        url_for(reader), form_data([weekly], remove=[follow], token="solana", grade="trader", min_change="5")
    )
    assert response.status_code == 302
    assert response["Location"] == url_for(reader) + "?saved=1"
    assert "Your preferences are saved." in client.get(response["Location"]).content.decode()
    assert state(reader) == (Status.CONFIRMED, {"Research Weekly"}, {("solana", "trader", 5, None)})


def test_a_token_by_its_symbol(client, reader, newsletters):
    daily, _ = newsletters
    client.post(url_for(reader), form_data([daily], token="eth", grade="trader", level="60"))
    assert ("ethereum", "trader", None, 60) in state(reader)[2]


def test_following_the_same_token_and_grade_again_updates_the_alert(client, reader, newsletters):
    daily, _ = newsletters
    client.post(url_for(reader), form_data([daily], token="ETH", grade="investor", min_change="3"))
    assert state(reader)[2] == {("ethereum", "investor", 3, None)}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"token": "nope"}, "No token has the symbol or slug “nope”"),
        (
            {"token": "SOL", "min_change": "5"},
            "Several tokens trade as SOL. Enter the slug of the one you mean",
        ),
        ({"token": "solana"}, "Say when to alert you: a change in points, a level, or both."),
        ({"min_change": "5"}, "Enter the token to alert you about."),
        ({"token": "solana", "min_change": "0"}, "The change must be at least 1 point."),
        ({"token": "solana", "level": "101"}, "The level must be between 1 and 100."),
        ({"token": "solana", "level": "high"}, "Enter the level as a whole number from 1 to 100."),
        ({"token": "solana", "min_change": "5", "grade": "moon"}, "Pick the Trader Grade or the Investor"),
        ({"newsletters": [999_999]}, "That newsletter does not exist or is no longer published."),
        ({"remove": [999_999]}, "That alert has already been removed."),
    ],
)
def test_bad_input_saves_nothing_and_says_why(client, reader, newsletters, fields, message):
    _, weekly = newsletters
    before = state(reader)
    data = form_data([weekly])  # a change that must not be saved with the bad part
    data.update(fields)
    response = client.post(url_for(reader), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert message in html.replace("&quot;", '"')
    assert state(reader) == before


def test_unticking_everything_unsubscribes_and_ticking_again_resubscribes(client, reader, newsletters):
    daily, _ = newsletters
    client.post(url_for(reader), form_data([], remove=list(reader.follows.all())))
    assert state(reader) == (Status.UNSUBSCRIBED, set(), set())
    client.post(url_for(reader), form_data([daily]))
    assert state(reader) == (Status.CONFIRMED, {"Daily Briefing"}, set())


def test_alerts_alone_keep_the_address_subscribed(client, reader):
    client.post(url_for(reader), form_data([]))
    assert state(reader) == (Status.CONFIRMED, set(), {("ethereum", "investor", 7, 80)})


def test_unsubscribe_from_everything(client, reader):
    response = client.post(url_for(reader), {"action": "unsubscribe_everything"})
    assert response.status_code == 200
    assert "We will send no more newsletters or grade alerts to ada@example.com" in response.content.decode()
    assert state(reader) == (Status.UNSUBSCRIBED, set(), set())


def test_a_suppressed_address_keeps_its_status(client, newsletters):
    daily, _ = newsletters
    bounced = SubscriberFactory(status=Status.BOUNCED)
    assert "bounced or were reported as spam" in client.get(url_for(bounced)).content.decode()
    client.post(url_for(bounced), form_data([daily]))
    assert state(bounced) == (Status.BOUNCED, {"Daily Briefing"}, set())


def test_tampered_link_gets_a_400_page(client, reader):
    url = url_for(reader)
    someone_else = url.replace(f"/preferences/{reader.pk}:", f"/preferences/{reader.pk + 1}:")
    assert someone_else != url
    for bad in (someone_else, "/email/preferences/nonsense/"):
        for response in (client.get(bad), client.post(bad, {"action": "unsubscribe_everything"})):
            assert response.status_code == 400
            assert "This link is broken" in response.content.decode()
    assert state(reader)[0] == Status.CONFIRMED


def test_a_deleted_address_gets_a_gone_page(client, reader):
    url = url_for(reader)
    reader.delete()
    response = client.get(url)
    assert response.status_code == 410
    assert "no longer have this address" in response.content.decode()


def test_saving_needs_the_csrf_token(reader, newsletters):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url_for(reader), form_data([]))
    assert response.status_code == 403
    assert TokenFollow.objects.filter(subscriber=reader).exists()
