"""The track record: forward returns by hand, and point in time against stored grades."""

import datetime

import numpy as np
import pytest

from ratings import track_record
from ratings.models import GradeDay, MarketReport, Token
from ratings.providers.demo import DemoProvider
from ratings.refresh import refresh
from ratings.tests.helpers import FixedProvider, series_data

DAYS = 40
START = datetime.date(2025, 1, 1)
DATES = [START + datetime.timedelta(days=i) for i in range(DAYS)]


def figures(record, grouping, label, horizon):
    group = next(g for g in record["groups"][grouping] if g["label"] == label)
    return group["horizons"][str(horizon)]


def three_tokens():
    """A graded 90 rises 1% a day, B graded 10 falls 1% a day, C graded 50 stays flat."""
    days = np.arange(DAYS)
    close = np.stack([100 * 1.01**days, 100 * 0.99**days, np.full(DAYS, 100.0)])
    caps = np.stack([np.full(DAYS, 1000.0), np.full(DAYS, 1000.0), np.full(DAYS, 2000.0)])
    trader = np.stack([np.full(DAYS, 90.0), np.full(DAYS, 10.0), np.full(DAYS, 50.0)])
    investor = np.stack([np.full(DAYS, 30.0), np.full(DAYS, 70.0), np.full(DAYS, 50.0)])
    signal = np.stack([np.full(DAYS, 5.0), np.full(DAYS, 1.0), np.full(DAYS, 3.0)])
    return close, caps, trader, investor, signal


def test_forward_returns_by_band_and_signal_match_a_hand_computation():
    close, caps, trader, investor, signal = three_tokens()
    record = track_record.compute(DATES, close, caps, trader, investor, signal)
    up, down = 1.01**7 - 1, 0.99**7 - 1
    equal = (up + down + 0) / 3
    market = (1000 * up + 1000 * down) / 4000
    top = figures(record, "trader", "80-100", 7)
    assert top["mean_return"] == pytest.approx(up)
    assert top["excess_vs_equal_weighted"] == pytest.approx(up - equal)
    assert top["excess_vs_market"] == pytest.approx(up - market)
    assert top["hit_rate"] == 1.0
    assert top["observations"] == top["cohort_days"] == DAYS - 7
    assert figures(record, "trader", "0-20", 7)["hit_rate"] == 0.0
    assert figures(record, "investor", "20-40", 7)["mean_return"] == pytest.approx(up)
    assert figures(record, "signal", "Strong Sell", 7)["mean_return"] == pytest.approx(down)
    assert figures(record, "signal", "Buy", 7)["observations"] == 0
    assert figures(record, "signal", "Buy", 7)["mean_return"] is None
    assert record["benchmarks"]["7"]["equal_weighted"] == pytest.approx(equal)
    assert record["benchmarks"]["7"]["market"] == pytest.approx(market)
    # 30-day spread, top band minus bottom band, for each day that has one.
    spread = record["spread"]["trader"]
    assert spread[0] == pytest.approx(1.01**30 - 0.99**30)
    assert spread[DAYS - 30 :] == [None] * 30
    # 90 days do not fit in 40: nothing, rather than a guess.
    assert figures(record, "trader", "80-100", 90)["observations"] == 0


def test_a_token_whose_prices_stop_counts_at_its_last_close():
    close, caps, trader, investor, signal = three_tokens()
    close[1, 4:] = np.nan  # B vanishes after day 3 ...
    trader[1, 4:] = np.nan  # ... and is graded no more
    record = track_record.compute(DATES, close, caps, trader, investor, signal)
    bottom = figures(record, "trader", "0-20", 7)
    # Graded on days 0-3; each held to its last close, day 3.
    expected = np.mean([0.99 ** (3 - day) - 1 for day in range(4)])
    assert bottom["observations"] == 4
    assert bottom["mean_return"] == pytest.approx(expected)


def test_grades_of_100_fall_in_the_top_band_and_missing_grades_in_none():
    index = track_record.group_index(np.array([[0, 19.99, 20, 79.9, 80, 100, np.nan]]), "trader")
    assert index.tolist() == [[0, 0, 1, 3, 4, 4, -1]]


END = datetime.date(2025, 6, 30)


@pytest.mark.django_db
def test_tokens_that_left_the_market_still_count():
    rng = np.random.default_rng(3)
    closes = 100 * np.cumprod(1 + rng.normal(0, 0.03, size=(4, 121)), axis=1)
    data = series_data(END, closes)
    refresh(FixedProvider(data), end=END - datetime.timedelta(days=1), days=120)
    first = MarketReport.objects.get()
    assert first.track_record["tokens"] == 4
    # The provider stops listing token-3: the next day's report still counts its grades.
    data.tokens = data.tokens[:3]
    data.arrays = {name: values[:3] for name, values in data.arrays.items()}
    refresh(FixedProvider(data), end=END, days=1)
    report = MarketReport.objects.get(date=END)
    assert report.track_record["tokens"] == 4
    assert Token.objects.get(slug="token-3").is_stale


@pytest.mark.django_db
def test_the_track_record_reads_the_grades_as_stored_not_recomputed():
    refresh(DemoProvider(seed=8, universe=60), end=END - datetime.timedelta(days=1), days=150, limit=40)
    before = MarketReport.objects.get().track_record
    top_before = figures(before, "investor", "80-100", 30)["observations"]
    # History is rewritten by hand: one token's stored Investor Grades become 95.
    token = Token.objects.exclude(graded_on=None).order_by("pk").first()
    changed = GradeDay.objects.filter(token=token, investor_grade__lt=80).update(investor_grade=95)
    assert changed > 30
    # The stored report of the earlier day does not move ...
    assert MarketReport.objects.get().track_record == before
    # ... and the next refresh builds its report from the grades as stored now, without
    # grading those days again.
    refresh(DemoProvider(seed=8, universe=60), end=END, days=1, limit=40)
    after = MarketReport.objects.get(date=END).track_record
    assert figures(after, "investor", "80-100", 30)["observations"] > top_before
    assert GradeDay.objects.filter(token=token, investor_grade=95).count() == changed


@pytest.mark.django_db
def test_a_first_full_load_reports_exactly_what_reading_the_stored_rows_back_gives():
    from ratings import reports

    refresh(DemoProvider(seed=4, universe=50), end=END, days=reports.ANALYSIS_DAYS, limit=30)
    stored = MarketReport.objects.get(date=END)  # made from the rows the refresh held
    _figures, record, overview = reports.compute(reports.load(END))  # read back from the database
    assert stored.track_record == record
    assert stored.market == overview
