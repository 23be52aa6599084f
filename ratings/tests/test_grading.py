import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ratings import grading


def market(close, *, volume=None, market_cap=None, circulating=None, total=None):
    close = np.atleast_2d(np.asarray(close, dtype=float))
    shape = close.shape
    return grading.MarketArrays(
        close=close,
        volume=np.broadcast_to(1e8 if volume is None else volume, shape).astype(float),
        market_cap=np.broadcast_to(5e9 if market_cap is None else market_cap, shape).astype(float),
        circulating_supply=np.broadcast_to(9e8 if circulating is None else circulating, shape).astype(float),
        total_supply=np.broadcast_to(1e9 if total is None else total, shape).astype(float),
    )


@given(
    daily=st.floats(min_value=0.003, max_value=0.06),
    days=st.integers(min_value=grading.MIN_HISTORY_DAYS, max_value=240),
    start=st.floats(min_value=1e-6, max_value=1e5),
    volume=st.floats(min_value=1e6, max_value=1e10),
)
def test_steady_riser_outgrades_steady_faller_on_trader_grade(daily, days, start, volume):
    steps = np.arange(days)
    closes = np.vstack([start * np.exp(daily * steps), start * np.exp(-daily * steps)])
    grades = grading.grade(market(closes, volume=volume))
    rising, falling = grades.trader[:, -1]
    assert rising > falling
    assert grades.signal[0, -1] >= grades.signal[1, -1]


@given(
    peak_day=st.integers(min_value=0, max_value=100),
    fall=st.floats(min_value=0.90, max_value=0.9999),
    days=st.integers(min_value=120, max_value=300),
    cap=st.floats(min_value=1e6, max_value=1e12),
)
def test_token_ninety_percent_below_its_high_never_gets_a_top_investor_grade(peak_day, fall, days, cap):
    closes = np.full(days, 10.0)
    closes[peak_day] = 100.0
    closes[-1] = 100.0 * (1 - fall)
    # Everything else as good as it gets: huge, liquid, fully circulating, old.
    grades = grading.grade(market(closes, volume=cap, market_cap=cap, circulating=1e9, total=1e9))
    strong_buy = grading.SIGNALS[0][0]
    assert grades.investor[0, -1] <= grading.DRAWDOWN_CAP_GRADE < strong_buy


finite_prices = hnp.arrays(
    float,
    hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=40),
    elements=st.one_of(st.floats(min_value=1e-9, max_value=1e9), st.just(np.nan)),
)


@settings(max_examples=60, deadline=None)  # timing on a shared machine is not behaviour
@given(finite_prices)
def test_grades_stay_between_0_and_100_and_are_deterministic(close):
    first = grading.grade(market(close))
    again = grading.grade(market(close.copy()))
    for values in (first.trader, first.investor, *first.components.values()):
        present = values[~np.isnan(values)]
        assert ((present >= 0) & (present <= 100)).all()
    assert np.array_equal(first.trader, again.trader, equal_nan=True)
    assert np.array_equal(first.investor, again.investor, equal_nan=True)
    assert np.array_equal(first.signal, again.signal)
    # A grade exists only where that day has a price.
    assert not (first.graded() & np.isnan(close)).any()


@settings(deadline=None)
@given(other=hnp.arrays(float, (1, 60), elements=st.floats(min_value=1e-3, max_value=1e4)))
def test_a_tokens_grades_do_not_depend_on_the_other_tokens(other):
    mine = np.linspace(1, 3, 60)[None, :]
    alone = grading.grade(market(mine))
    together = grading.grade(market(np.vstack([mine, other])))
    assert np.array_equal(alone.trader[0], together.trader[0], equal_nan=True)
    assert np.array_equal(alone.investor[0], together.investor[0], equal_nan=True)


def test_missing_supply_leaves_that_component_out_instead_of_zeroing_it():
    closes = np.linspace(1, 2, 90)
    known = grading.grade(market(closes))
    unknown = grading.grade(market(closes, circulating=np.nan, total=np.nan))
    assert np.isnan(unknown.components["supply"][0, -1])
    assert not np.isnan(unknown.investor[0, -1])
    weights = {c.key: c.weight for c in grading.INVESTOR_COMPONENTS}
    scores = {key: known.components[key][0, -1] for key in weights}
    expected = sum(weights[k] * scores[k] for k in weights if k != "supply") / (1 - weights["supply"])
    assert unknown.investor[0, -1] == pytest.approx(expected, abs=0.6)  # components are stored rounded


def test_too_short_a_history_gets_no_grade():
    grades = grading.grade(market(np.linspace(1, 2, grading.MIN_HISTORY_DAYS - 1)))
    assert not grades.graded().any()
    assert (grades.signal == 0).all()


def test_changes_are_differences_of_the_grades_shown():
    closes = np.concatenate([np.linspace(1, 3, 60), np.linspace(3, 1, 20)])
    grades = grading.grade(market(closes))
    assert grades.changes["trader_change_24h"][0, -1] == pytest.approx(
        grades.trader[0, -1] - grades.trader[0, -2]
    )
    assert grades.changes["investor_change_7d"][0, -1] == pytest.approx(
        grades.investor[0, -1] - grades.investor[0, -8]
    )
    assert grades.changes["price_change_24h"][0, -1] == pytest.approx(
        (closes[-1] / closes[-2] - 1) * 100, abs=0.01
    )


def test_weights_of_each_grade_sum_to_one_and_signals_cover_the_scale():
    assert sum(c.weight for c in grading.TRADER_COMPONENTS) == pytest.approx(1)
    assert sum(c.weight for c in grading.INVESTOR_COMPONENTS) == pytest.approx(1)
    signals = grading.signal_for(np.array([0, 19.9, 20, 39.9, 40, 59.9, 60, 79.9, 80, 100, np.nan]))
    assert signals.tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 0]


def test_rolling_helpers_match_a_plain_computation():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 50))
    x[1, 10:15] = np.nan
    window = 7
    means = grading.rolling_mean(x, window)
    for row in range(3):
        for column in range(50):
            values = x[row, max(0, column - window + 1) : column + 1]
            expected = np.nanmean(values) if (~np.isnan(values)).any() else np.nan
            assert means[row, column] == pytest.approx(expected, nan_ok=True)
