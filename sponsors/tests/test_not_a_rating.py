"""Sponsored is not a rating: the same refresh grades a sponsor's token exactly as it grades
it without the sponsorship."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from ratings.models import GradeDay, Token
from ratings.providers.demo import DemoProvider
from ratings.refresh import refresh
from sponsors.tests.factories import CreativeFactory

pytestmark = pytest.mark.django_db
END = timezone.localdate() - datetime.timedelta(days=1)
FIELDS = ("trader_grade", "investor_grade", "signal", "trader_change_24h", "investor_change_7d")


def every_grade():
    return {
        (slug, day): values
        for slug, day, *values in GradeDay.objects.values_list("token__slug", "date", *FIELDS)
    }


def test_a_sponsors_token_gets_exactly_the_grades_it_would_get_without_sponsorship():
    provider = DemoProvider(seed=11, universe=60)
    refresh(provider, end=END - datetime.timedelta(days=1), days=40, limit=30)
    top = Token.objects.order_by("-market_cap").first()

    # The day's refresh without the sponsorship, then undone...
    savepoint = transaction.savepoint()
    refresh(provider, end=END, days=40, limit=30)
    without = every_grade()
    transaction.savepoint_rollback(savepoint)
    assert not GradeDay.objects.filter(date=END).exists()

    # ...and the same refresh with the token's project sponsoring the site that day.
    CreativeFactory(campaign__sponsor__token=top, campaign__starts_on=END - datetime.timedelta(days=3))
    assert top.sponsors.filter(campaigns__starts_on__lte=END, campaigns__ends_on__gte=END).exists()
    refresh(provider, end=END, days=40, limit=30)

    with_sponsorship = every_grade()
    assert (top.slug, END) in with_sponsorship
    assert with_sponsorship == without
