"""Every grade change is explained by its components, and the parts add up to the change."""

import datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratings import attribution, grading
from ratings.providers.demo import DemoProvider

KEYS = [c.key for c in grading.COMPONENTS]
ROWS = 500


def score_table(rng, missing):
    """ROWS rows of whole-number component scores, each missing with chance `missing`."""
    table = rng.integers(0, 101, size=(ROWS, len(KEYS))).astype(float)
    table[rng.random(table.shape) < missing] = np.nan
    return dict(zip(KEYS, table.T, strict=True))


def tenths(values):
    return np.round(np.asarray(values) * 10).astype(np.int64)


def exact_terms(grade, now, before):
    terms_now, _ = attribution.terms(now, attribution.GRADES[grade])
    terms_before, _ = attribution.terms(before, attribution.GRADES[grade])
    return terms_now - terms_before


@settings(deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    missing=st.sampled_from([0.0, 0.1, 0.4, 0.8]),
    capped_share=st.sampled_from([0.0, 0.3, 1.0]),
)
def test_parts_add_up_to_the_change_shown_whatever_appears_disappears_or_is_capped(
    seed, missing, capped_share
):
    rng = np.random.default_rng(seed)
    now, before = score_table(rng, missing), score_table(rng, missing)
    capped_now, capped_before = rng.random(ROWS) < capped_share, rng.random(ROWS) < capped_share
    # The cap follows the drawdown measure, so it can apply only where drawdown has a score.
    capped_now &= ~np.isnan(now["drawdown"])
    capped_before &= ~np.isnan(before["drawdown"])
    trader_now, investor_now = grading.grades_from_scores(now, capped_now)
    trader_before, investor_before = grading.grades_from_scores(before, capped_before)
    for grade, grade_now, grade_before in (
        ("trader", trader_now, trader_before),
        ("investor", investor_now, investor_before),
    ):
        parts = attribution.explain(grade, now, before, grade_now, grade_before)
        change = grade_now - grade_before
        graded = ~np.isnan(change)
        assert np.array_equal(np.isnan(parts).all(axis=1), ~graded)
        # The sum is the change as shown, to the tenth, exactly.
        assert np.array_equal(tenths(parts[graded].sum(axis=1)), tenths(change[graded]))
        # Each part is its term's change, rounded: off by at most the rounding (and the
        # cap, which counts to drawdown).
        terms = exact_terms(grade, now, before)
        keys = [c.key for c in attribution.GRADES[grade]]
        honest = [i for i, key in enumerate(keys) if key != attribution.CAPPED_BY]
        assert (np.abs(parts[graded][:, honest] - terms[graded][:, honest]) <= 0.15 + 1e-9).all()
        # A component missing on both days has no part.
        for i, key in enumerate(keys):
            absent = np.isnan(now[key]) & np.isnan(before[key]) & graded
            assert (parts[absent, i] == 0).all()


def test_a_component_that_appears_brings_its_whole_term_and_reweights_the_rest():
    before = {key: np.array([60.0]) for key in KEYS}
    before["supply"] = np.array([np.nan])
    now = dict(before, supply=np.array([100.0]))
    _, investor_before = grading.grades_from_scores(before, np.array([False]))
    _, investor_now = grading.grades_from_scores(now, np.array([False]))
    parts = dict(
        zip(
            [c.key for c in grading.INVESTOR_COMPONENTS],
            attribution.explain("investor", now, before, investor_now, investor_before)[0],
            strict=True,
        )
    )
    # Supply's weight is 0.1: its term 100 * 0.1 = 10 enters; every other term, 60 * w / 0.9,
    # shrinks to 60 * w: 6 points between them. The grade rises 60 -> 64.
    assert investor_now[0] - investor_before[0] == pytest.approx(4.0)
    assert parts["supply"] == pytest.approx(10.0)
    assert sum(p for key, p in parts.items() if key != "supply") == pytest.approx(-6.0)


def test_the_drawdown_cap_counts_to_drawdown():
    now = {key: np.array([90.0]) for key in KEYS}
    before = dict(now)
    # Same components; only the cap switches on (the token fell past -80%... in its drawdown
    # measure, whose score we keep equal to isolate the cap).
    _, investor_before = grading.grades_from_scores(before, np.array([False]))
    _, investor_now = grading.grades_from_scores(now, np.array([True]))
    parts = attribution.explain("investor", now, before, investor_now, investor_before)[0]
    keys = [c.key for c in grading.INVESTOR_COMPONENTS]
    assert investor_now[0] == grading.DRAWDOWN_CAP_GRADE
    assert parts[keys.index("drawdown")] == pytest.approx(grading.DRAWDOWN_CAP_GRADE - 90.0)
    assert np.count_nonzero(parts) == 1


@pytest.fixture(scope="module")
def graded_market():
    data = DemoProvider(seed=3, universe=500).fetch(end=datetime.date(2025, 11, 30), days=220)
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
    return grading.grade(market), grading.measures(market)["drawdown"]


@pytest.mark.parametrize("grade", ["trader", "investor"])
@pytest.mark.parametrize("days", [1, 7])
def test_every_stored_change_of_a_demo_market_is_explained_exactly(graded_market, grade, days):
    grades, drawdown = graded_market
    stored = getattr(grades, grade)
    now = {key: value[:, days:] for key, value in grades.components.items()}
    before = {key: value[:, :-days] for key, value in grades.components.items()}
    parts = attribution.explain(grade, now, before, stored[:, days:], stored[:, :-days])
    change = grades.changes[f"{grade}_change_{'24h' if days == 1 else '7d'}"][:, days:]
    explained = ~np.isnan(change)
    assert explained.sum() > 50_000
    assert np.array_equal(~np.isnan(parts).all(axis=2), explained)
    assert np.array_equal(tenths(parts[explained].sum(axis=1)), tenths(change[explained]))
    if grade == "investor":  # the cap was at work in this market, and was explained too
        assert (drawdown[:, days:][explained] <= grading.DRAWDOWN_CAP_AT).sum() > 20


def test_a_change_reads_as_its_largest_parts_first():
    components = {c.key: c for c in grading.TRADER_COMPONENTS}
    parts = [
        (components["trend"], -1.3),
        (components["momentum"], -8.1),
        (components["volatility"], 0.0),
        (components["volume_flow"], -3.0),
    ]
    assert attribution.describe("Trader Grade", -12.4, parts) == (
        "Trader Grade -12.4: momentum -8.1, volume -3.0, trend -1.3"
    )
    assert attribution.describe("Trader Grade", 0.0, [(components["trend"], 0.0)]) == (
        "Trader Grade +0.0: no component moved"
    )
    assert attribution.describe("Trader Grade", 1.0, None) == ""
