"""The morning jobs run twice at once (a retried task beside a manual run) on a real PostgreSQL:
one briefing per day, one grade alert per subscriber and day."""

import datetime
from collections import Counter

import pytest
from django.core import mail
from django.db import connection  # noqa: F401 - read by skipif

from core.tests.concurrency import all_at_once
from newsletters.issues.alerts import send_grade_alerts
from newsletters.issues.briefing import draft_daily_briefing
from newsletters.models import GradeAlert, NewsletterIssuePage
from newsletters.tests.factories import (
    NewsletterIndexPageFactory,
    NewsletterPageFactory,
    SubscriberFactory,
    TokenFactory,
    TokenFollowFactory,
    grade_token,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'",
        reason="SQLite serialises every write, so it cannot show a race; CI runs this on PostgreSQL.",
    ),
]

THREADS = 6
DAY = datetime.date(2024, 11, 22)


@pytest.fixture
def graded_tokens(db):
    tokens = []
    for number, (before, now) in enumerate([(60.0, 75.0), (70.0, 52.0), (50.0, 51.0)]):
        token = TokenFactory(name=f"Token {number}")
        grade_token(token, DAY - datetime.timedelta(days=1), before)
        grade_token(token, DAY, now)
        tokens.append(token)
    return tokens


def test_briefings_drafted_at_once_make_one_issue(home, graded_tokens):
    index = NewsletterIndexPageFactory(parent=home)
    NewsletterPageFactory(parent=index, title="Daily Briefing", slug="daily-briefing")

    issues = all_at_once(*[(draft_daily_briefing, DAY)] * THREADS)

    assert NewsletterIssuePage.objects.filter(drafted_for=DAY).count() == 1
    assert len({issue.pk for issue in issues}) == 1


def test_alerts_sent_at_once_reach_each_subscriber_once(graded_tokens):
    subscribers = [SubscriberFactory() for _ in range(5)]
    for subscriber in subscribers:
        for token in graded_tokens:
            TokenFollowFactory(subscriber=subscriber, token=token, min_change=5)

    sent = all_at_once(*[(send_grade_alerts,)] * THREADS)

    assert sum(sent) == len(subscribers)
    assert Counter(message.to[0] for message in mail.outbox) == {s.email: 1 for s in subscribers}
    assert GradeAlert.objects.filter(day=DAY, sent_at__isnull=False).count() == len(subscribers)
