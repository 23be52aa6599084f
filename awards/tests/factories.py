import datetime

import factory
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from awards.ballots import Ballot
from awards.models import Category, Nominee, Program


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    title = factory.Sequence(lambda n: f"Awards {2020 + n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))


class CategoryFactory(DjangoModelFactory):
    """An open category (voting started yesterday, ends in a week) with live results."""

    class Meta:
        model = Category

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


class NomineeFactory(DjangoModelFactory):
    class Meta:
        model = Nominee

    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Nominee {n}")
    sort_order = factory.Sequence(lambda n: n)


def category_with(*names, **kwargs):
    category = CategoryFactory(**kwargs)
    nominees = [NomineeFactory(category=category, name=name) for name in names]
    return category, nominees


def ballot_for(nominee, email="voter@example.com", **kwargs):
    fields = {"ip_hash": "ip", "user_agent_hash": "ua", **kwargs}
    return Ballot.new(category_id=nominee.category_id, nominee_id=nominee.pk, email=email, **fields)
