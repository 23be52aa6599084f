"""The demo market looks like a market, on every day of a generated year.

Each sweep generates the whole universe (6,400 tokens, as `make run` and the refresh
bench do) for a year and checks every day of it: the largest cap, the handful of giants,
the total, price x supply, the size of daily moves, the market cycle, and how far grades
move from one day to the next when this market is graded.
"""

import datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratings import grading
from ratings.providers import demo
from ratings.providers.demo import DemoProvider

# (seed, last day): the default market ending on the bench's kind of day, and two others.
SWEEPS = (
    (2024, datetime.date(2026, 11, 29)),
    (11, datetime.date(2025, 12, 31)),
    (77, datetime.date(2026, 5, 17)),
)
YEAR = 365


@pytest.fixture(scope="module", params=SWEEPS, ids=lambda sweep: f"seed{sweep[0]}-{sweep[1]}")
def year(request):
    seed, end = request.param
    return DemoProvider(seed=seed).fetch(end=end, days=YEAR)


def daily_caps(data):
    return np.where(np.isnan(data["market_cap"]), 0.0, data["market_cap"])


def cap_weighted_index(data):
    """Cap-weighted market index, 1 on the first day: each day's return is the mean of the
    tokens' returns weighted by their caps the day before."""
    caps, close = daily_caps(data), data["close"]
    with np.errstate(invalid="ignore", divide="ignore"):
        returns = np.nan_to_num(close[:, 1:] / close[:, :-1] - 1.0)
    weights = caps[:, :-1] / caps[:, :-1].sum(axis=0)
    return np.concatenate([[1.0], np.cumprod(1.0 + (weights * returns).sum(axis=0))])


def bull_drawdown_recovery(level, bull, drawdown, recovery):
    """Whether some days a < b < c < d have level rising by `bull` from a to b, falling by
    `drawdown` from b to c and rising again by `recovery` from c to d (fractions)."""
    log_level = np.log(level)
    risen = log_level - np.minimum.accumulate(log_level)
    peaks = np.maximum.accumulate(np.where(risen >= np.log1p(bull), log_level, -np.inf))
    fallen = np.concatenate([[-np.inf], peaks[:-1]]) - log_level >= -np.log1p(-drawdown)
    ahead = np.maximum.accumulate(log_level[::-1])[::-1]
    return bool((fallen & (ahead - log_level >= np.log1p(recovery))).any())


def test_the_largest_token_is_worth_one_to_two_trillion_every_day(year):
    largest = daily_caps(year).max(axis=0)
    assert len(largest) == YEAR
    assert ((largest >= 1e12) & (largest <= 2e12)).all(), (largest.min(), largest.max())


def test_only_a_handful_of_tokens_are_above_50_billion_on_any_day(year):
    giants = (daily_caps(year) > 50e9).sum(axis=0)
    assert ((giants >= 3) & (giants <= 12)).all(), (giants.min(), giants.max())
    # and a long tail: the median token is worth well under $100M.
    assert np.median(daily_caps(year)[:, -1][daily_caps(year)[:, -1] > 0]) < 100e6


def test_the_whole_market_stays_between_1_5_and_5_trillion(year):
    total = daily_caps(year).sum(axis=0)
    assert ((total >= 1.5e12) & (total <= 5e12)).all(), (total.min(), total.max())


def test_price_times_supply_is_the_cap_and_both_are_plausible(year):
    close, supply, cap = year["close"], year["circulating_supply"], year["market_cap"]
    trading = ~np.isnan(close)
    assert np.array_equal(trading, ~np.isnan(cap)) and np.array_equal(trading, ~np.isnan(supply))
    assert np.array_equal(close[trading] * supply[trading], cap[trading])
    assert (close[trading] > 0).all()
    assert ((supply[trading] >= 1e5) & (supply[trading] <= 1e15)).all()
    # No giant priced in fractions of a cent: $10B+ tokens have at most 1e12 units.
    assert (supply[trading & (cap > 10e9)] <= 1e12).all()
    total = year["total_supply"]
    known = trading & ~np.isnan(total)
    assert (total[known] >= supply[known]).all()


def test_daily_moves_are_fat_tailed_but_bounded(year):
    close, cap = year["close"], year["market_cap"]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = close[:, 1:] / close[:, :-1]
    moved = ~np.isnan(ratio)
    ratio = ratio[moved]
    assert ratio.min() >= 0.15 and ratio.max() <= 3.0, (ratio.min(), ratio.max())
    large = (cap[:, :-1] > 10e9)[moved]
    assert ratio[large].min() >= 0.7 and ratio[large].max() <= 1.42, (ratio[large].min(), ratio[large].max())
    # Fat tails: moves beyond four standard deviations (each token's own) are far more
    # common than the normal curve's 6 in 100,000.
    returns = np.log(close[:, 1:] / close[:, :-1])
    with np.errstate(invalid="ignore"):
        mean, spread = np.nanmean(returns, axis=1, keepdims=True), np.nanstd(returns, axis=1, keepdims=True)
        standard = (returns - mean) / spread
    assert np.mean(np.abs(standard[moved]) > 4) > 10 * 6.3e-5


def test_the_market_runs_up_falls_and_recovers_within_the_year(year):
    index = cap_weighted_index(year)
    assert bull_drawdown_recovery(index, bull=0.25, drawdown=0.25, recovery=0.15)
    # ... and it is a cycle, not a trend: the year ends within a factor of two of its start.
    assert 0.5 < index[-1] < 2.0


@settings(deadline=None)
@given(start=st.integers(min_value=0, max_value=20 * 365))
def test_every_year_of_the_cycle_holds_a_bull_run_a_drawdown_and_a_recovery(start):
    level = np.exp(demo.market_cycle(np.arange(start, start + YEAR)))
    assert bull_drawdown_recovery(level, bull=0.30, drawdown=0.30, recovery=0.20)


def test_a_window_is_the_same_market_whichever_window_is_asked_for():
    provider = DemoProvider(seed=5, universe=300)
    end = datetime.date(2025, 9, 30)
    year = provider.fetch(end=end, days=YEAR, limit=100)
    last_week = provider.fetch(end=end, days=7, limit=100)
    assert [t.slug for t in year.tokens] == [t.slug for t in last_week.tokens]
    for name, values in last_week.arrays.items():
        np.testing.assert_array_equal(values, year[name][:, -7:], err_msg=name)


@pytest.fixture(scope="module")
def graded_year():
    """The default market's year graded as the refresh grades it (with 100 days before)."""
    end = SWEEPS[0][1]
    data = DemoProvider().fetch(end=end, days=YEAR + grading.HISTORY_NEEDED, limit=6000)
    first = data.dates[0]
    launch = np.array([(info.launched_on - first).days for info in data.tokens], dtype=float)
    market = grading.MarketArrays(
        close=data["close"],
        volume=data["volume"],
        market_cap=data["market_cap"],
        circulating_supply=data["circulating_supply"],
        total_supply=data["total_supply"],
        launch_index=launch,
    )
    year = slice(grading.HISTORY_NEEDED, None)
    return grading.grade(market), data["market_cap"][:, year], year


def test_daily_grade_changes_stay_plausible(graded_year):
    grades, caps, year = graded_year
    trader = grades.changes["trader_change_24h"][:, year]
    investor = grades.changes["investor_change_24h"][:, year]
    moved = ~np.isnan(trader)
    assert moved.sum() > 0.9 * 6000 * YEAR
    trader_moves, investor_moves = np.abs(trader[moved]), np.abs(investor[moved])
    # The figures the README states (measured: p50 2.5, p90 8.2, p99 18.4, p99.9 34.8).
    assert np.percentile(trader_moves, 50) <= 3.5
    assert np.percentile(trader_moves, 99) <= 20
    assert np.percentile(trader_moves, 99.9) <= 40
    assert np.percentile(investor_moves, 99) <= 8
    # Tokens worth $1B+ (the ones a briefing shows) move less (measured p99 14.0), those
    # worth $10B+ never by half the scale in a day (measured at most 30.3).
    assert np.percentile(np.abs(trader[moved & (caps > 1e9)]), 99) <= 16
    assert np.abs(trader[moved & (caps > 10e9)]).max() <= 40
