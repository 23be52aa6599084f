import datetime

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from ratings import refresh as refresh_module
from ratings.models import GradeDay, MarketDay, RefreshRun, Token
from ratings.providers import ProviderError
from ratings.providers.demo import DemoProvider
from ratings.refresh import RefreshRejected, refresh
from ratings.tasks import refresh_daily

from .helpers import DamagedProvider, FixedProvider, series_data

END = datetime.date(2025, 9, 30)
pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return DemoProvider(seed=7, universe=150)


@pytest.fixture
def stable(demo):
    """Twenty demo tokens that traded every day of the last month: the set never changes."""
    data = demo.fetch(end=END, days=31, limit=60)
    rows = np.flatnonzero(~np.isnan(data["close"]).any(axis=1))[:20]
    data.tokens = [data.tokens[i] for i in rows]
    data.arrays = {name: values[rows] for name, values in data.arrays.items()}
    return FixedProvider(data)


def grades_on(day):
    return {
        g.token.slug: (g.trader_grade, g.investor_grade, g.signal, g.trend, g.trader_change_24h)
        for g in GradeDay.objects.filter(date=day).select_related("token")
    }


def test_first_refresh_stores_history_and_grades_and_snapshots(demo):
    result = refresh(demo, end=END, days=40, limit=100)
    assert result.tokens_graded == 100
    assert Token.objects.count() == 100
    assert MarketDay.objects.count() == pytest.approx(100 * 40, rel=0.05)  # young tokens have fewer days
    assert GradeDay.objects.filter(date=END).count() == 100
    top = Token.objects.order_by("-market_cap").first()
    latest = GradeDay.objects.get(token=top, date=END)
    assert (top.graded_on, top.trader_grade, top.investor_grade, top.signal) == (
        END,
        latest.trader_grade,
        latest.investor_grade,
        latest.signal,
    )
    assert top.price == MarketDay.objects.get(token=top, date=END).close
    assert top.sectors.exists()
    run = RefreshRun.objects.get()
    assert run.status == "done" and run.tokens_graded == 100


def test_re_running_the_same_day_changes_nothing(demo):
    refresh(demo, end=END, days=40, limit=60)
    before = (MarketDay.objects.count(), GradeDay.objects.count(), grades_on(END))
    refresh(demo, end=END, days=40, limit=60)
    assert (MarketDay.objects.count(), GradeDay.objects.count(), grades_on(END)) == before


def test_one_new_day_grades_exactly_as_a_full_refresh_would(demo):
    refresh(demo, end=END - datetime.timedelta(days=1), days=119, limit=50)
    refresh(demo, end=END, days=1, limit=50)
    incremental = grades_on(END)
    GradeDay.objects.all().delete()
    MarketDay.objects.all().delete()
    Token.objects.all().delete()
    refresh(demo, end=END, days=120, limit=50)
    full = grades_on(END)
    # A token new to the top 50 on END has no stored history yet, so only the full run grades it.
    assert len(full) == 50 and len(incremental) >= 48
    assert {slug: full[slug] for slug in incremental} == incremental


def test_an_invalid_row_keeps_the_last_good_grade_and_flags_the_token_stale(stable):
    refresh(stable, end=END - datetime.timedelta(days=1), days=30)
    victim = stable.data.tokens[3].slug
    before = Token.objects.get(slug=victim)

    result = refresh(DamagedProvider(stable, broken_rows=[3]), end=END, days=1)

    token = Token.objects.get(slug=victim)
    assert result.rows_rejected == 1 and result.tokens_graded == 19
    assert token.is_stale and token.stale_since == END
    assert (token.graded_on, token.trader_grade) == (before.graded_on, before.trader_grade)
    assert not MarketDay.objects.filter(token=token, date=END).exists()
    assert not GradeDay.objects.filter(token=token, date=END).exists()
    assert Token.objects.filter(is_stale=False, graded_on=END).count() == 19


def test_a_token_that_failed_to_fetch_is_reported_and_flagged(stable):
    refresh(stable, end=END - datetime.timedelta(days=1), days=30)
    result = refresh(DamagedProvider(stable, failed_rows=[0]), end=END, days=1)
    assert (result.tokens_graded, result.tokens_stale) == (19, 1)
    assert Token.objects.get(slug=stable.data.tokens[0].slug).is_stale
    assert "HTTP 500" in result.run.message


def test_a_mostly_broken_day_is_rejected_whole(stable):
    refresh(stable, end=END - datetime.timedelta(days=1), days=30)
    before = (
        MarketDay.objects.count(),
        GradeDay.objects.count(),
        list(Token.objects.values_list("graded_on", "is_stale")),
    )

    with pytest.raises(RefreshRejected, match="last good grades stand"):
        refresh(DamagedProvider(stable, broken_rows=range(15)), end=END, days=1)

    after = (
        MarketDay.objects.count(),
        GradeDay.objects.count(),
        list(Token.objects.values_list("graded_on", "is_stale")),
    )
    assert after == before
    assert RefreshRun.objects.filter(status="rejected").count() == 1


def test_a_provider_failure_stores_nothing(demo):
    with pytest.raises(ProviderError):
        refresh(DamagedProvider(demo, error="API down"), end=END, days=5, limit=5)
    assert not Token.objects.exists()
    run = RefreshRun.objects.get()
    assert (run.status, run.message) == ("failed", "API down")


def test_a_crash_half_way_through_writing_leaves_no_trace(demo, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(refresh_module, "_write_grades", explode)
    with pytest.raises(RuntimeError):
        refresh(demo, end=END, days=20, limit=10)
    assert not MarketDay.objects.exists() and not Token.objects.exists()
    assert RefreshRun.objects.get().status == "failed"


def test_a_rising_token_ends_up_above_a_falling_one_in_the_database():
    days = 60
    steps = np.arange(days)
    data = series_data(END, [10 * 1.02**steps, 10 * 0.98**steps], slugs=["riser", "faller"])
    refresh(FixedProvider(data), end=END, days=days)
    riser, faller = Token.objects.get(slug="riser"), Token.objects.get(slug="faller")
    assert riser.trader_grade > faller.trader_grade
    assert riser.get_signal_display() in ("Buy", "Strong Buy")
    assert faller.get_signal_display() in ("Sell", "Strong Sell")


def test_command_reports_what_it_did(demo, settings, capsys):
    settings.RATINGS_PROVIDER_OPTIONS = {"demo": {"seed": 7, "universe": 150}}
    call_command("refresh_ratings", "--tokens", "30", "--days", "20", "--date", END.isoformat())
    out = capsys.readouterr().out
    assert "Graded 30 tokens for 2025-09-30 (20 day(s) fetched)" in out
    assert "Storing" in out  # the progress bar
    assert Token.objects.count() == 30


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--date", "yesterday"], "--date must look like"),
        (["--days", "0"], "--days must be between"),
        (["--tokens", "0"], "--tokens must be at least 1"),
        (["--provider", "nowhere"], "Unknown provider 'nowhere'"),
        (["--date", "2020-01-01", "--days", "3"], "The demo market starts on"),
    ],
)
def test_command_rejects_bad_options_clearly(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("refresh_ratings", *arguments)
    assert not GradeDay.objects.exists()


def test_daily_task_grades_the_last_complete_day_and_catches_up(settings, monkeypatch):
    settings.RATINGS_PROVIDER_OPTIONS = {"demo": {"seed": 7, "universe": 150}}
    settings.RATINGS_TOKENS = 25
    settings.RATINGS_BACKFILL_DAYS = 30
    # Beat's time: 00:20 UTC on 1 October, twenty minutes into a day that has barely begun.
    clock = datetime.datetime(2025, 10, 1, 0, 20, tzinfo=datetime.UTC)
    monkeypatch.setattr(refresh_module.timezone, "now", lambda: clock)

    outcome = refresh_daily.delay().get()

    assert outcome == {"day": "2025-09-30", "graded": 25, "stale": 0}
    assert GradeDay.objects.filter(date=END).count() == 25
    assert not GradeDay.objects.filter(date=END + datetime.timedelta(days=1)).exists()
    assert RefreshRun.objects.get().days == 30

    clock = datetime.datetime(2025, 10, 1, 23, 59, 59, tzinfo=datetime.UTC)  # still day D: D-1 again
    assert refresh_daily.delay().get()["day"] == "2025-09-30"
    assert RefreshRun.objects.first().days == 1
    clock = datetime.datetime(2025, 10, 2, 0, 20, tzinfo=datetime.UTC)
    assert refresh_daily.delay().get()["day"] == "2025-10-01"
    assert RefreshRun.objects.first().days == 2  # nothing missed: the last stored day and the new one


@pytest.mark.parametrize(
    ("now", "day"),
    [
        (datetime.datetime(2025, 10, 1, 0, 0, tzinfo=datetime.UTC), datetime.date(2025, 9, 30)),
        (datetime.datetime(2025, 10, 1, 0, 20, tzinfo=datetime.UTC), datetime.date(2025, 9, 30)),
        (datetime.datetime(2025, 10, 1, 23, 59, tzinfo=datetime.UTC), datetime.date(2025, 9, 30)),
        # 01:30 in Berlin is still 30 September in UTC: the day before is the 29th.
        (
            datetime.datetime(2025, 10, 1, 1, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
            datetime.date(2025, 9, 29),
        ),
    ],
)
def test_the_last_complete_day_is_yesterday_in_utc(now, day):
    assert refresh_module.last_complete_day(now) == day


def test_the_broker_never_hands_out_a_refresh_that_is_still_running(settings):
    from research_site.celery import app

    # A message unacknowledged (acks_late) for visibility_timeout seconds goes to another worker.
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility == settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert app.conf.task_acks_late
    assert refresh_daily.soft_time_limit < refresh_daily.time_limit < visibility
    assert refresh_daily.time_limit == settings.RATINGS_REFRESH_TIME_LIMIT
    assert refresh_daily.time_limit > settings.RATINGS_REFRESH_LEASE_SECONDS
    schedule = settings.CELERY_BEAT_SCHEDULE["refresh-ratings"]["schedule"]
    assert (schedule.hour, schedule.minute) == ({0}, {20})
