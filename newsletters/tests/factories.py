"""Factories for newsletters, their pages and subscribers (shared by every newsletters test)."""

import json
import uuid

import factory
import wagtail_factories
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from newsletters.models import (
    NewsletterIndexPage,
    NewsletterIssuePage,
    NewsletterPage,
    Subscriber,
    Subscription,
    TokenFollow,
)
from ratings.models import GradeDay, MarketDay, Signal, Token


class NewsletterIndexPageFactory(wagtail_factories.PageFactory):
    """Pass parent=home (the conftest fixture): the index lives at /newsletters/."""

    class Meta:
        model = NewsletterIndexPage

    title = "Newsletters"
    slug = "newsletters"


class NewsletterPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = NewsletterPage

    title = factory.Sequence(lambda n: f"Newsletter {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    description = "What is new in crypto research, in five minutes."
    cadence = "Every weekday morning"
    subscribe_by_default = False


class SubscriberFactory(DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    status = Subscriber.Status.CONFIRMED
    status_changed_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyAttribute(
        lambda o: o.status_changed_at if o.status == Subscriber.Status.CONFIRMED else None
    )


class SubscriptionFactory(DjangoModelFactory):
    class Meta:
        model = Subscription

    subscriber = factory.SubFactory(SubscriberFactory)
    newsletter = factory.SubFactory(NewsletterPageFactory)


class TokenFactory(DjangoModelFactory):
    class Meta:
        model = Token
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Token {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    symbol = factory.Sequence(lambda n: f"TK{n}")


class TokenFollowFactory(DjangoModelFactory):
    class Meta:
        model = TokenFollow

    subscriber = factory.SubFactory(SubscriberFactory)
    token = factory.SubFactory(TokenFactory)
    grade = TokenFollow.Grade.TRADER
    min_change = 5
    level = None


class NewsletterIssuePageFactory(wagtail_factories.PageFactory):
    """Pass parent=<a NewsletterPage>. Live unless live=False."""

    class Meta:
        model = NewsletterIssuePage

    title = factory.Sequence(lambda n: f"Issue {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    subject = factory.LazyAttribute(lambda o: f"{o.title}: what moved this week")
    preheader = "Three charts and one question for the week ahead."
    body = factory.LazyFunction(
        lambda: json.dumps(
            [{"type": "paragraph", "value": "<p>Markets were quiet.</p>", "id": str(uuid.uuid4())}]
        )
    )
    first_published_at = factory.LazyFunction(timezone.now)


def grade_token(token, day, trader, investor=50.0, *, volume=5e6, signal=Signal.NEUTRAL):
    """Store a token's grades and market row for ``day`` as a refresh would, and point its
    snapshot at the day if it is the newest."""
    GradeDay.objects.update_or_create(
        token=token,
        date=day,
        defaults={"trader_grade": trader, "investor_grade": investor, "signal": signal},
    )
    MarketDay.objects.update_or_create(
        token=token,
        date=day,
        defaults={"open": 1.0, "high": 1.1, "low": 0.9, "close": 1.0, "volume": volume},
    )
    if token.graded_on is None or token.graded_on <= day:
        token.graded_on, token.trader_grade, token.investor_grade = day, trader, investor
        token.is_stale = False
        token.save()
    return token
