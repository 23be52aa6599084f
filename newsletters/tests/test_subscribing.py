"""Signing up: the boxes, double opt-in, no enumeration, honeypot and rate limits."""

import json
import re
import time

import pytest
from django.core import mail, signing
from django.template.loader import render_to_string
from django.test import Client
from django.utils.html import escape

from blog.tests.factories import ArticlePageFactory, body
from newsletters.models import Subscriber, Subscription
from newsletters.subscriptions import links
from newsletters.subscriptions.views import CHECK_YOUR_INBOX
from newsletters.tests.factories import (
    NewsletterPageFactory,
    SubscriberFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db
Status = Subscriber.Status
JSON = {"HTTP_ACCEPT": "application/json"}
BROWSER = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def daily(index):
    return NewsletterPageFactory(
        parent=index,
        title="Daily Briefing",
        description="Top picks and the biggest grade moves before the market opens.",
        cadence="Every weekday morning",
        subscribe_by_default=True,
    )


@pytest.fixture
def weekly(index):
    return NewsletterPageFactory(
        parent=index,
        title="Research Weekly",
        description="Our week's research in one email.",
        cadence="Fridays",
    )


def signup(client, email="ada@example.com", newsletters=(), *, headers=JSON, ip="203.0.113.9", **fields):
    data = {"email": email, "homepage": "", "newsletter": [n.pk for n in newsletters], **fields}
    return client.post("/email/subscribe/", data, REMOTE_ADDR=ip, **headers)


def confirm_path(message):
    return re.search(r"(/email/confirm/[^/\s]+/)", message.body).group(1)


def html_of(message):
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return html


# The boxes


def test_footer_box_is_on_every_page_and_costs_no_query(client, home, django_assert_num_queries):
    html = client.get("/").content.decode()
    assert "Want smarter crypto picks - free?" in html
    assert "No credit card | 1-click unsubscribe" in html
    assert 'action="/email/subscribe/"' in html
    assert 'name="homepage"' in html
    assert 'aria-live="polite"' in html
    assert 'href="/newsletters/">Newsletters</a>' in html
    assert "newsletters/signup.js" in html
    with django_assert_num_queries(0):
        box = render_to_string("newsletters/includes/signup_box.html", {"box": "footer"})
    assert 'name="newsletter"' not in box  # the defaults are decided when the form is posted
    assert "csrfmiddlewaretoken" not in box


def test_pages_with_the_box_stay_in_the_anonymous_page_cache(client, home, settings):
    settings.PAGE_CACHE_SECONDS = 60
    assert client.get("/").headers["X-Page-Cache"] == "miss"
    assert client.get("/").headers["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in client.get("/email/subscribe/").headers


def test_newsletters_page_lists_every_live_newsletter_to_tick(client, daily, weekly, index):
    NewsletterPageFactory(parent=index, title="Retired Digest", live=False)
    response = client.get("/newsletters/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Retired Digest" not in html
    for newsletter in (daily, weekly):
        assert f'name="newsletter" value="{newsletter.pk}"' in html
        assert escape(newsletter.description) in html
        assert newsletter.cadence in html
        assert f'href="{newsletter.url}"' in html
    ticked = re.findall(r'name="newsletter" value="(\d+)"[^>]*\bchecked', html)
    assert ticked == [str(daily.pk)]
    assert 'name="chosen" value="1"' in html
    assert "No credit card | 1-click unsubscribe" in html
    assert html.count("Want smarter crypto picks - free?") == 1  # no second box in the footer


def test_article_block_signs_up_for_its_chosen_newsletter(client, blog_index, daily, weekly):
    article = ArticlePageFactory(
        parent=blog_index,
        body=body(
            ("newsletter_signup", {"heading": "Get our weekly research", "newsletter": weekly.pk}),
            ("newsletter_signup", {"heading": "", "newsletter": None}),
        ),
    )
    html = client.get(article.url).content.decode()
    assert "Get our weekly research" in html
    assert html.count(f'<input type="hidden" name="newsletter" value="{weekly.pk}">') == 1
    assert html.count("Want smarter crypto picks - free?") == 2  # the second block and the footer
    ids = re.findall(r'id="([^"]+-email)"', html)
    assert len(ids) == len(set(ids)) == 3

    weekly.unpublish()
    html = client.get(article.url).content.decode()
    assert 'type="hidden" name="newsletter"' not in html  # falls back to the defaults


# Double opt-in


def test_footer_signup_confirms_by_link_into_the_default_newsletters(client, daily, weekly):
    response = signup(client, " Ada@Example.COM ")
    assert response.status_code == 200
    assert response.json() == {"message": CHECK_YOUR_INBOX}
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status) == ("ada@example.com", Status.PENDING)
    assert len(subscriber.ip_hash) == 32 and "203.0.113.9" not in subscriber.ip_hash
    assert not Subscription.objects.exists()  # nothing until the address is proven

    (message,) = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "Confirm your Token Research subscription"
    assert "Daily Briefing" in message.body and "Research Weekly" not in message.body

    response = client.get(confirm_path(message))
    assert response.status_code == 200
    html = response.content.decode()
    assert "You are subscribed" in html and "Daily Briefing" in html
    assert links.preferences_url(subscriber.pk).removeprefix(links.absolute("")) in html.replace("&amp;", "&")
    subscriber.refresh_from_db()
    assert subscriber.status == Status.CONFIRMED and subscriber.confirmed_at is not None
    assert list(subscriber.subscriptions.values_list("newsletter__title", flat=True)) == ["Daily Briefing"]


def test_defaults_are_every_newsletter_when_none_is_marked(client, daily, weekly):
    daily.subscribe_by_default = False
    daily.save_revision().publish()
    signup(client)
    assert "Daily Briefing and Research Weekly" in mail.outbox[0].body


def test_chosen_newsletters_only(client, daily, weekly):
    signup(client, newsletters=[weekly], chosen="1")
    client.get(confirm_path(mail.outbox[0]))
    assert list(Subscription.objects.values_list("newsletter", flat=True)) == [weekly.pk]


def test_confirmation_email_has_text_and_html_from_the_site_address(client, daily, settings):
    signup(client)
    (message,) = mail.outbox
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    path = confirm_path(message)
    assert links.absolute(path) in message.body
    assert links.absolute(path) in html_of(message)
    assert "7 days" in message.body
    assert "ignore this email" in html_of(message)


def test_replaying_the_confirmation_link_changes_nothing(client, daily):
    signup(client)
    path = confirm_path(mail.outbox[0])
    client.get(path)
    confirmed_at = Subscriber.objects.get().confirmed_at
    response = client.get(path)
    assert response.status_code == 200
    assert "You are subscribed" in response.content.decode()
    assert Subscription.objects.count() == 1
    assert Subscriber.objects.get().confirmed_at == confirmed_at


def test_confirming_an_unsubscribed_address_subscribes_it_again(client, daily):
    subscriber = SubscriberFactory(email="ada@example.com", status=Status.UNSUBSCRIBED)
    signup(client)
    assert Subscriber.objects.get().status == Status.UNSUBSCRIBED  # until the link is followed
    assert client.get(confirm_path(mail.outbox[0])).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Status.CONFIRMED
    assert subscriber.subscriptions.get().newsletter_id == daily.pk


def test_tampered_confirmation_link_gets_a_400_page(client, daily):
    signup(client)
    path = confirm_path(mail.outbox[0])
    token = path.split("/")[3]
    tampered = token[:-3] + ("a" if token[-3] != "a" else "b") + token[-2:]
    for bad in (f"/email/confirm/{tampered}/", "/email/confirm/nonsense/"):
        response = client.get(bad)
        assert response.status_code == 400
        assert "This link is broken" in response.content.decode()
    assert Subscriber.objects.get().status == Status.PENDING
    assert not Subscription.objects.exists()


def test_expired_confirmation_link_offers_to_sign_up_again(client, daily, settings):
    subscriber = SubscriberFactory(status=Status.PENDING)
    signer = signing.TimestampSigner(salt=links.CONFIRM_SALT)
    signer.timestamp = lambda: signing.b62_encode(int(time.time()) - settings.NEWSLETTERS_CONFIRM_MAX_AGE - 5)
    stale = signer.sign_object({"s": subscriber.pk, "n": [daily.pk]})
    response = client.get(f"/email/confirm/{stale}/")
    assert response.status_code == 410
    html = response.content.decode()
    assert "This link no longer works" in html
    assert "Confirmation links work for 7 days" in html
    assert 'href="/email/subscribe/"' in html
    subscriber.refresh_from_db()
    assert subscriber.status == Status.PENDING and not subscriber.subscriptions.exists()


def test_confirming_a_suppressed_address_changes_nothing(client, daily):
    subscriber = SubscriberFactory(status=Status.BOUNCED)
    response = client.get(links.confirm_url(subscriber.pk, [daily.pk]).removeprefix(links.absolute("")))
    assert response.status_code == 409
    assert "We cannot email this address" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Status.BOUNCED and not subscriber.subscriptions.exists()


# No enumeration


@pytest.mark.parametrize("headers", [JSON, BROWSER], ids=["json", "form"])
def test_the_answer_is_the_same_whatever_state_the_address_is_in(client, daily, weekly, headers):
    SubscriptionFactory(subscriber__email="confirmed@example.com", newsletter=daily)
    for status in (Status.PENDING, Status.UNSUBSCRIBED, Status.BOUNCED, Status.COMPLAINED):
        SubscriberFactory(email=f"{status}@example.com", status=status)

    answers = {}
    for state in ("new", "pending", "confirmed", "unsubscribed", "bounced", "complained"):
        response = signup(client, f"{state}@example.com", [weekly], headers=headers)
        answers[state] = (response.status_code, response.content, response.get("Location"))
    assert len(set(answers.values())) == 1, answers
    status, content, location = answers["new"]
    if headers is JSON:
        assert status == 200 and json.loads(content) == {"message": CHECK_YOUR_INBOX}
    else:
        assert status == 302 and location == "/email/subscribe/sent/"
        page = client.get(location).content.decode()
        assert CHECK_YOUR_INBOX in page and "works for 7 days" in page

    # What differs goes to the mailbox only.
    sent = {message.to[0].split("@")[0]: message for message in mail.outbox}
    assert sorted(sent) == ["confirmed", "new", "pending", "unsubscribed"]
    assert sent["confirmed"].subject == "Add Research Weekly to your Token Research emails"
    assert "/email/preferences/" in sent["confirmed"].body
    assert sent["new"].subject == sent["pending"].subject == "Confirm your Token Research subscription"
    states = dict(Subscriber.objects.values_list("email", "status"))
    assert states == {
        "new@example.com": "pending",
        "pending@example.com": "pending",
        "confirmed@example.com": "confirmed",
        "unsubscribed@example.com": "unsubscribed",
        "bounced@example.com": "bounced",
        "complained@example.com": "complained",
    }


def test_a_confirmed_reader_adds_a_newsletter_by_following_the_link(client, daily, weekly):
    subscription = SubscriptionFactory(subscriber__email="ada@example.com", newsletter=daily)
    signup(client, "ada@example.com", [weekly])
    client.get(confirm_path(mail.outbox[0]))
    subscribed_to = subscription.subscriber.subscriptions.values_list("newsletter", flat=True)
    assert set(subscribed_to) == {daily.pk, weekly.pk}


# Bad input, bots and limits


def test_invalid_email_gets_400_with_the_message(client, daily):
    response = signup(client, "not-an-address")
    assert response.status_code == 400
    assert response.json() == {"message": "That does not look like an email address. Check it and try again."}

    response = signup(client, "not-an-address", headers=BROWSER)
    assert response.status_code == 400
    html = response.content.decode()
    assert "That does not look like an email address" in html
    assert 'value="not-an-address"' in html
    ticked = re.findall(r'name="newsletter" value="(\d+)"[^>]*\bchecked', html)
    assert ticked == [str(daily.pk)]  # the footer's defaults, ready to send again
    assert signup(client, "").json() == {"message": "Enter your email address to sign up."}
    assert not Subscriber.objects.exists() and not mail.outbox


def test_unknown_or_unpublished_newsletter_gets_400(client, daily, weekly):
    weekly.unpublish()
    for value in (weekly.pk, 999_999, "daily"):
        response = client.post("/email/subscribe/", {"email": "ada@example.com", "newsletter": value}, **JSON)
        assert response.status_code == 400
        assert response.json() == {"message": "That newsletter does not exist or is no longer published."}
    assert not Subscriber.objects.exists() and not mail.outbox


def test_ticking_nothing_on_the_newsletters_page_is_a_mistake(client, daily):
    response = signup(client, chosen="1", headers=BROWSER)
    assert response.status_code == 400
    assert "Tick at least one newsletter" in response.content.decode()
    assert not mail.outbox


def test_nothing_to_sign_up_for_is_said_plainly(client, index):
    response = signup(client)
    assert response.status_code == 400
    assert response.json() == {"message": "There is no newsletter to sign up for yet. Please come back soon."}


def test_honeypot_gets_the_usual_answer_and_nothing_happens(client, daily):
    human = signup(client, "human@example.com")
    bot = signup(client, "bot@example.com", homepage="https://spam.example")
    assert (bot.status_code, bot.content) == (human.status_code, human.content)
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["human@example.com"]
    assert [message.to for message in mail.outbox] == [["human@example.com"]]


def test_rate_limit_per_ip_answers_429(client, daily, settings):
    settings.NEWSLETTERS_RATE_PER_IP = (2, 3600)
    assert signup(client, "a@example.com").status_code == 200
    assert signup(client, "b@example.com").status_code == 200
    response = signup(client, "c@example.com")
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 0 < wait <= 3600  # until the hour's window ends
    message = response.json()["message"]
    assert message.startswith("Too many sign-ups came from your network just now. Please try again in ")
    assert "minute" in message or "hour" in message
    response = signup(client, "c@example.com", headers=BROWSER)
    assert response.status_code == 429
    assert "Too many sign-ups" in response.content.decode()
    assert signup(client, "c@example.com", ip="198.51.100.7").status_code == 200
    assert len(mail.outbox) == 3


def test_rate_limit_per_address_keeps_the_answer_and_sends_no_more(client, daily, settings):
    settings.NEWSLETTERS_RATE_PER_EMAIL = (2, 86400)
    answers = {signup(client, "ada@example.com", ip=f"203.0.113.{n}").content for n in range(4)}
    assert answers == {json.dumps({"message": CHECK_YOUR_INBOX}).encode()}
    assert len(mail.outbox) == 2
    signup(client, "grace@example.com")
    assert len(mail.outbox) == 3


def test_signup_needs_no_csrf_token(daily):
    client = Client(enforce_csrf_checks=True)
    assert signup(client).status_code == 200
    assert len(mail.outbox) == 1
