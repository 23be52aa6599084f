"""The desk's track record: how tokens did after the grades we published.

Arrays in, a plain summary out. Inputs are matrices of shape (tokens, days) in date order,
read from the grades as they were stored each day (the refresh reads them back from the
database; nothing is re-graded here), with every token that had a grade on a day,
including tokens that later left the market. NaN marks a day without a grade or a close.

For each graded day d and horizon h, a token's forward return is its close h days later
over its close on d, minus one. A token whose prices stop before d + h (delisted, dropped
by the provider) is counted at its last close, as a holder who could not sell later would
be; forward returns stop h days before the last stored day. Each day's graded tokens form
a cohort: a group's return on d is the equal-weighted mean forward return of its members,
and the figures below average these daily cohorts (overlapping holding periods, so
neighbouring days are not independent). The benchmarks are all graded tokens of the day,
equal-weighted, and the market, weighted by market cap on d.

Nothing loops over tokens or days in Python: each grouping is one np.bincount.
"""

import numpy as np

from .grading import SIGNALS, forward_fill

HORIZONS = (7, 30, 90)
# Grade bands: [low, high) except the last, which includes 100.
BAND_EDGES = (0, 20, 40, 60, 80, 100)
SPREAD_HORIZON = 30
GROUPINGS = ("trader", "investor", "signal")
GROUPING_LABELS = {"trader": "Trader Grade", "investor": "Investor Grade", "signal": "Signal"}


def bands():
    """[(label, low, high)] of the grade bands, lowest first."""
    return [
        (f"{low}-{high}", low, high) for low, high in zip(BAND_EDGES[:-1], BAND_EDGES[1:], strict=True)
    ]


def signal_groups():
    """[(label, value)] of the signals, weakest first."""
    return [(label, value) for _floor, value, label in reversed(SIGNALS)]


def methodology():
    """The method as sentences, from the constants the computation uses."""
    band_text = ", ".join(label for label, _, _ in bands())
    return [
        "The track record is built only from grades as they were published: each day's stored "
        "grades are read back as they are, never recomputed with later data or a later method, and "
        "every token graded on a day counts, including tokens that have since left the market.",
        f"For every graded day and a holding period of {', '.join(map(str, HORIZONS))} days, a token's "
        "forward return is its close at the end of the period over its close on the day graded, minus "
        "one. A token whose prices stop during the period counts at its last close.",
        f"Tokens are grouped by Trader Grade band and Investor Grade band ({band_text}; the top band "
        "includes 100) and by signal. A group's return on a day is the plain average of its members' "
        "forward returns; the figures shown average those daily cohorts over all days that have one.",
        "Benchmarks: the equal-weighted universe (all tokens graded that day, each the same weight) and "
        "the market (the same tokens weighted by market cap on the day graded). Excess return is the "
        "group's return minus the benchmark's over the same days.",
        "Hit rate: the share of a group's token-days whose forward return beat the equal-weighted "
        "universe over the same period. A grade that carries information shows hit rates that rise "
        "with the band.",
        f"The spread chart shows, for each day, the {SPREAD_HORIZON}-day forward return of the top "
        f"band ({bands()[-1][0]}) minus that of the bottom band ({bands()[0][0]}). Holding periods "
        "overlap, so neighbouring days share most of their returns and are not independent evidence; "
        "returns ignore fees and slippage.",
    ]


def group_index(values, grouping):
    """Group number per cell (-1: no grade) for a matrix of grades or signal values."""
    values = np.asarray(values, dtype=float)
    if grouping == "signal":
        index = np.full(values.shape, -1, dtype=np.int64)
        for number, (_label, value) in enumerate(signal_groups()):
            index[values == value] = number
        return index
    inner = np.asarray(BAND_EDGES[1:-1], dtype=float)
    index = np.searchsorted(inner, np.nan_to_num(values, nan=-1.0), side="right").astype(np.int64)
    return np.where(np.isfinite(values), index, -1)


def group_labels(grouping):
    if grouping == "signal":
        return [label for label, _ in signal_groups()]
    return [label for label, _, _ in bands()]


def forward_returns(close, horizon):
    """(tokens, days) forward returns over `horizon` days; NaN where the day has no close or
    the period runs past the last column. Prices that stop count at their last close."""
    close = np.asarray(close, dtype=float)
    days = close.shape[1]
    out = np.full(close.shape, np.nan)
    if horizon >= days:
        return out
    exit_price = forward_fill(close)[:, horizon:]
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, : days - horizon] = exit_price / close[:, : days - horizon] - 1.0
    return out


def _daily(index, groups, weights, days):
    """Per group and day, the sum of `weights` over cells of that group: shape (groups, days)."""
    flat = (index * days + np.arange(days)[None, :])[index >= 0]
    return np.bincount(flat, weights=weights[index >= 0], minlength=groups * days).reshape(groups, days)


def _mean(values):
    values = values[np.isfinite(values)]
    return float(values.mean()) if values.size else None


def compute(dates, close, market_cap, trader, investor, signal):
    """The track record as plain data (see the module's docstring)."""
    dates = list(dates)
    close = np.asarray(close, dtype=float)
    market_cap = np.asarray(market_cap, dtype=float)
    days = close.shape[1]
    graded = np.isfinite(np.asarray(trader, dtype=float))
    values = {"trader": trader, "investor": investor, "signal": signal}
    indexes = {name: np.where(graded, group_index(values[name], name), -1) for name in GROUPINGS}
    result = {
        "first_day": dates[0].isoformat() if dates else None,
        "last_day": dates[-1].isoformat() if dates else None,
        "tokens": int(graded.any(axis=1).sum()),
        "graded_days": int(graded.any(axis=0).sum()),
        "horizons": list(HORIZONS),
        "benchmarks": {},
        "groups": {name: [] for name in GROUPINGS},
        "spread": {"horizon": SPREAD_HORIZON, "dates": [], "trader": [], "investor": []},
    }
    for name in GROUPINGS:
        result["groups"][name] = [{"label": label, "horizons": {}} for label in group_labels(name)]
    for horizon in HORIZONS:
        forward = forward_returns(close, horizon)
        usable = graded & np.isfinite(forward)
        returns = np.where(usable, forward, 0.0)
        count_all = usable.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            equal = np.where(count_all > 0, returns.sum(axis=0) / count_all, np.nan)
            caps = np.where(usable & np.isfinite(market_cap) & (market_cap > 0), market_cap, 0.0)
            cap_total = caps.sum(axis=0)
            market = np.where(cap_total > 0, (caps * returns).sum(axis=0) / cap_total, np.nan)
        beat = usable & (forward > equal[None, :])
        cohort_days = count_all > 0
        result["benchmarks"][str(horizon)] = {
            "equal_weighted": _mean(equal),
            "market": _mean(market),
            "cohort_days": int(cohort_days.sum()),
            "observations": int(count_all.sum()),
        }
        for name in GROUPINGS:
            index = np.where(usable, indexes[name], -1)
            labels = group_labels(name)
            sums = _daily(index, len(labels), returns, days)
            counts = _daily(index, len(labels), np.ones(close.shape), days)
            hits = _daily(index, len(labels), beat.astype(float), days)
            with np.errstate(invalid="ignore", divide="ignore"):
                means = np.where(counts > 0, sums / counts, np.nan)
            for number, entry in enumerate(result["groups"][name]):
                present = counts[number] > 0
                observations = int(counts[number].sum())
                entry["horizons"][str(horizon)] = {
                    "observations": observations,
                    "cohort_days": int(present.sum()),
                    "mean_return": _mean(means[number]),
                    "excess_vs_equal_weighted": _mean(means[number] - equal),
                    "excess_vs_market": _mean(means[number] - market),
                    "hit_rate": float(hits[number].sum() / observations) if observations else None,
                }
            if horizon == SPREAD_HORIZON and name in ("trader", "investor"):
                spread = means[-1] - means[0]
                result["spread"][name] = [None if np.isnan(x) else round(float(x), 6) for x in spread]
    result["spread"]["dates"] = [day.isoformat() for day in dates]
    return result
