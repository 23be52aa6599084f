import datetime
import smtplib

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsletters.issues.alerts import send_grade_alerts, triggers
from newsletters.models import GradeAlert, GradeAlertDay, Subscriber, TokenFollow
from newsletters.subscriptions import links
from newsletters.tests.factories import SubscriberFactory, TokenFactory, TokenFollowFactory, grade_token
from ratings.models import GradeDay
from ratings.tasks import refresh_daily

DAY = datetime.date(2024, 11, 22)
BEFORE = DAY - datetime.timedelta(days=1)


@pytest.fixture
def base_url(settings):
    settings.SITE_URL = "https://research.example.com"
    return settings.SITE_URL


def graded(name, before, now, investor=(50.0, 50.0)):
    token = TokenFactory(name=name, symbol=name[:3].upper())
    grade_token(token, BEFORE, before, investor[0])
    grade_token(token, DAY, now, investor[1])
    return token


@pytest.mark.parametrize(
    ("old", "new", "min_change", "level", "alerted"),
    [
        (60.0, 65.0, 5, None, True),  # exactly the chosen move
        (60.0, 64.9, 5, None, False),
        (65.0, 60.0, 5, None, True),  # down counts too
        (64.96, 69.94, 5, None, False),  # 65.0 -> 69.9 as shown: 4.9 points
        (69.0, 71.0, None, 70, True),  # crossed up
        (71.0, 69.0, None, 70, True),  # crossed down
        (70.0, 75.0, None, 70, False),  # started on the level: no crossing
        (60.0, 69.9, None, 70, False),
        (None, 80.0, 1, 50, False),  # no previous grade: nothing to compare
    ],
)
def test_triggers(old, new, min_change, level, alerted):
    assert bool(triggers(old, new, min_change, level)) is alerted


def test_a_big_enough_move_sends_one_alert_with_unsubscribe_headers(db, base_url):
    solana = graded("Solana", 60.0, 67.0)
    follow = TokenFollowFactory(token=solana, min_change=5)

    assert send_grade_alerts() == 1

    message = mail.outbox[0]
    subscriber = follow.subscriber
    assert message.to == [subscriber.email]
    assert message.subject == "Grade alert: Solana Trader Grade 60.0 → 67.0"
    unsubscribe = links.unsubscribe_url(subscriber.pk, 0)
    assert unsubscribe.startswith("https://research.example.com/email/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Solana (SOL), Trader Grade: 60.0 -> 67.0 (+7.0)" in message.body
    assert "https://research.example.com/ratings/solana/" in message.body
    assert f"Stop grade alerts: {unsubscribe}" in message.body
    assert f"Change your alerts and newsletters: {links.preferences_url(subscriber.pk)}" in message.body
    html = message.alternatives[0][0]
    assert 'href="https://research.example.com/ratings/solana/"' in html
    assert f'href="{unsubscribe}"' in html and ">Stop grade alerts</a>" in html
    assert f'href="{links.preferences_url(subscriber.pk)}"' in html
    alert = GradeAlert.objects.get()
    assert (alert.subscriber, alert.day) == (subscriber, DAY) and alert.sent_at is not None
    assert alert.changes[0]["old"] == 60.0 and alert.changes[0]["new"] == 67.0


def test_a_small_move_sends_nothing(db):
    TokenFollowFactory(token=graded("Cardano", 60.0, 62.0), min_change=5)

    assert send_grade_alerts() == 0
    assert mail.outbox == [] and not GradeAlert.objects.exists()


def test_crossing_a_level_alerts_on_the_followed_grade(db):
    token = graded("Chainlink", 64.0, 66.0, investor=(52.0, 47.0))
    subscriber = SubscriberFactory()
    TokenFollowFactory(
        subscriber=subscriber, token=token, grade=TokenFollow.Grade.TRADER, min_change=None, level=70
    )
    TokenFollowFactory(
        subscriber=subscriber, token=token, grade=TokenFollow.Grade.INVESTOR, min_change=None, level=50
    )

    send_grade_alerts()

    (message,) = mail.outbox
    assert message.subject == "Grade alert: Chainlink Investor Grade 52.0 → 47.0"
    assert "fell below 50" in message.body
    assert "Trader Grade" not in message.body.split("--")[0]


def test_one_email_per_subscriber_lists_every_triggered_token(db):
    subscriber = SubscriberFactory()
    for name, before, now in (("Aave", 50.0, 58.0), ("Bonk", 70.0, 61.5), ("Celo", 40.0, 41.0)):
        TokenFollowFactory(subscriber=subscriber, token=graded(name, before, now), min_change=5)

    assert send_grade_alerts(DAY) == 1

    (message,) = mail.outbox
    assert message.subject == "Grade alerts: Aave and 1 more you follow moved"
    assert "Aave (AAV), Trader Grade: 50.0 -> 58.0 (+8.0)" in message.body
    assert "Bonk (BON), Trader Grade: 70.0 -> 61.5 (-8.5)" in message.body
    assert "Celo" not in message.body
    assert [change["slug"] for change in GradeAlert.objects.get().changes] == ["aave", "bonk"]


def test_a_rerun_never_sends_twice(db):
    TokenFollowFactory(token=graded("Solana", 60.0, 70.0), min_change=5)

    assert send_grade_alerts() == 1
    assert send_grade_alerts() == 0
    assert send_grade_alerts(DAY) == 0
    assert len(mail.outbox) == 1
    assert GradeAlert.objects.count() == 1


@pytest.mark.parametrize(
    "status",
    [
        Subscriber.Status.PENDING,
        Subscriber.Status.UNSUBSCRIBED,
        Subscriber.Status.BOUNCED,
        Subscriber.Status.COMPLAINED,
    ],
)
def test_only_confirmed_subscribers_get_alerts(db, status):
    TokenFollowFactory(subscriber=SubscriberFactory(status=status), token=graded("Solana", 60.0, 80.0))

    assert send_grade_alerts() == 0
    assert mail.outbox == []


def test_a_token_without_a_grade_that_day_is_not_compared(db):
    stale = TokenFactory(name="Stalecoin")
    grade_token(stale, BEFORE - datetime.timedelta(days=1), 20.0)
    grade_token(stale, BEFORE, 90.0)
    TokenFollowFactory(token=stale, min_change=1)
    graded("Solana", 60.0, 61.0)  # the latest graded day is DAY; Stalecoin has no grade on it

    assert send_grade_alerts() == 0


def test_follows_and_both_days_grades_are_read_in_one_query(db):
    tokens = [graded(f"Token {n}", 50.0, 50.0 + 3 * n) for n in range(6)]
    for _ in range(4):
        subscriber = SubscriberFactory()
        for token in tokens:
            TokenFollowFactory(subscriber=subscriber, token=token, min_change=6)

    with CaptureQueriesContext(connection) as queries:
        assert send_grade_alerts() == 4

    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    follow_reads = [sql for sql in reads if 'FROM "newsletters_tokenfollow"' in sql]
    assert len(follow_reads) == 1
    # Besides it: the latest graded day and the day's state row (read, then locked to claim
    # the day); then per subscriber only the alert row's own writes, and the day's finish.
    assert len(reads) == 4
    assert len(queries.captured_queries) <= 11 + 4 * 4
    assert len(mail.outbox) == 4
    assert all("4 tokens you follow moved" in m.alternatives[0][0] for m in mail.outbox)


def test_a_failed_send_is_retried_by_the_next_run(db, monkeypatch):
    TokenFollowFactory(token=graded("Solana", 60.0, 70.0), min_change=5)
    original_send = EmailMultiAlternatives.send

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    assert send_grade_alerts() == 0
    assert not GradeAlert.objects.exists()

    monkeypatch.setattr(EmailMultiAlternatives, "send", original_send)
    assert send_grade_alerts() == 1
    assert len(mail.outbox) == 1
    assert GradeAlert.objects.get().sent_at is not None


def test_no_grades_at_all_sends_nothing(db):
    TokenFollowFactory(min_change=1)

    assert send_grade_alerts() == 0
    assert mail.outbox == []


def test_the_daily_refresh_sends_the_days_alerts_once(db, settings):
    settings.RATINGS_PROVIDER_OPTIONS = {"demo": {"seed": 7, "universe": 150}}
    settings.RATINGS_TOKENS = 25
    settings.RATINGS_BACKFILL_DAYS = 30
    refresh_daily()
    today = GradeDay.objects.order_by("-date").values_list("date", flat=True).first()
    subscriber = SubscriberFactory()
    for grade in GradeDay.objects.filter(date=today).select_related("token"):
        TokenFollowFactory(subscriber=subscriber, token=grade.token, min_change=1)
    GradeDay.objects.filter(date=today).delete()  # as if today had not been graded yet
    GradeAlertDay.objects.all().delete()

    refresh_daily.delay()

    assert GradeAlert.objects.get().day == today
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [subscriber.email]
    refresh_daily.delay()  # a rerun of the day grades again but never alerts twice
    assert len(mail.outbox) == 1


def test_alerts_go_out_after_the_refresh_and_beat_only_retries_pending_days():
    tasks = [entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()]
    assert "ratings.refresh_daily" in tasks
    assert "newsletters.send_grade_alerts" not in tasks  # they run right after the refresh instead
    assert "newsletters.retry_grade_alerts" in tasks


def test_an_alert_explains_the_move_by_component_and_the_parts_add_up(db, base_url):
    token = TokenFactory(name="Solana", symbol="SOL")
    before = {"trend": 60, "momentum": 70, "volatility": 50, "volume_flow": 60}  # 61.0
    now = {"trend": 40, "momentum": 30, "volatility": 50, "volume_flow": 55}  # 42.75, shown 42.8
    grade_token(token, BEFORE, 61.0)
    grade_token(token, DAY, 42.8)
    GradeDay.objects.filter(token=token, date=BEFORE).update(**before)
    GradeDay.objects.filter(token=token, date=DAY).update(**now)
    TokenFollowFactory(token=token, min_change=5)

    assert send_grade_alerts() == 1

    # Trend 0.35 x -20 = -7.0, momentum 0.25 x -40 = -10.0, volume 0.25 x -5 = -1.25: the
    # half-point is rounded so the parts add up to the -18.2 shown.
    text = mail.outbox[0].body
    assert "Trader Grade: 61.0 -> 42.8 (-18.2)" in text
    assert "By component: momentum -10.0, trend -7.0, volume -1.2" in text
    assert "By component: momentum -10.0, trend -7.0, volume -1.2" in mail.outbox[0].alternatives[0][0]
    stored = GradeAlert.objects.get().changes[0]
    assert stored["parts"] == [["Momentum", -10.0], ["Trend", -7.0], ["Volume", -1.2]]
    assert round(sum(part for _, part in stored["parts"]), 1) == stored["change"] == -18.2


def test_an_alert_without_stored_components_says_nothing_about_them(db, base_url):
    TokenFollowFactory(token=graded("Solana", 60.0, 67.0), min_change=5)

    assert send_grade_alerts() == 1
    assert "By component" not in mail.outbox[0].body
    assert GradeAlert.objects.get().changes[0]["parts"] == []
