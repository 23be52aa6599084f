"""Factories for newsletters, their pages and subscribers (shared by every newsletters test)."""

import factory
import wagtail_factories
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from newsletters.models import NewsletterIndexPage, NewsletterPage, Subscriber, Subscription, TokenFollow
from ratings.models import Token


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
