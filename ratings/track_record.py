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
    with np.errstate(invalid="ignore"):
        if grouping == "signal":
            index = np.full(values.shape, -1, dtype=np.int64)
            for number, (_label, value) in enumerate(signal_groups()):
                index[values == value] = number
            return index
        # Counting the inner edges at or below each grade is a search without sorting.
        index = np.zeros(values.shape, dtype=np.int64)
        for edge in BAND_EDGES[1:-1]:
            index += values >= edge
    return np.where(np.isfinite(values), index, -1)


def group_labels(grouping):
    if grouping == "signal":
        return [label for label, _ in signal_groups()]
    return [label for label, _, _ in bands()]


def forward_returns(close, horizon, filled=None):
    """(tokens, days) forward returns over `horizon` days; NaN where the day has no close or
    the period runs past the last column. Prices that stop count at their last close.
    `filled` is forward_fill(close), when the caller has it already."""
    close = np.asarray(close, dtype=float)
    days = close.shape[1]
    out = np.full(close.shape, np.nan)
    if horizon >= days:
        return out
    exit_price = (forward_fill(close) if filled is None else filled)[:, horizon:]
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, : days - horizon] = exit_price / close[:, : days - horizon] - 1.0
    return out


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
    day = np.arange(days)[None, :]
    # Each cell's (group, day) bucket, so one np.bincount sums a whole grouping by day;
    # cells outside every group go to a last bucket that is thrown away.
    buckets = {}
    for name in GROUPINGS:
        count = len(group_labels(name))
        index = np.where(graded, group_index(values[name], name), -1)
        buckets[name] = (count, np.where(index >= 0, index * days + day, count * days))
    result = {
        "first_day": dates[0].isoformat() if dates else None,
        "last_day": dates[-1].isoformat() if dates else None,
        "tokens": int(graded.any(axis=1).sum()),
        "graded_days": int(graded.any(axis=0).sum()),
        "horizons": list(HORIZONS),
        "benchmarks": {},
        "groups": {name: [{"label": label, "horizons": {}} for label in group_labels(name)]
                   for name in GROUPINGS},
        "spread": {
            "horizon": SPREAD_HORIZON, "dates": [d.isoformat() for d in dates], "trader": [], "investor": [],
        },  # fmt: skip
    }
    filled = forward_fill(close)
    with np.errstate(invalid="ignore", divide="ignore"):
        caps = np.where(np.isfinite(market_cap) & (market_cap > 0), market_cap, 0.0)
    for horizon in HORIZONS:
        forward = forward_returns(close, horizon, filled)
        usable = graded & np.isfinite(forward)
        returns = np.where(usable, forward, 0.0)
        count_all = usable.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            equal = np.where(count_all > 0, returns.sum(axis=0) / count_all, np.nan)
            weights = np.where(usable, caps, 0.0)
            cap_total = weights.sum(axis=0)
            market = np.where(cap_total > 0, (weights * returns).sum(axis=0) / cap_total, np.nan)
        beat = (usable & (forward > equal[None, :])).ravel()
        result["benchmarks"][str(horizon)] = {
            "equal_weighted": _mean(equal),
            "market": _mean(market),
            "cohort_days": int((count_all > 0).sum()),
            "observations": int(count_all.sum()),
        }
        flat_returns = returns.ravel()
        for name in GROUPINGS:
            groups, bucket = buckets[name]
            bucket = np.where(usable, bucket, groups * days).ravel()
            size = groups * days + 1
            counts = np.bincount(bucket, minlength=size)[:-1].reshape(groups, days)
            sums = np.bincount(bucket, weights=flat_returns, minlength=size)[:-1].reshape(groups, days)
            hits = np.bincount(bucket[beat], minlength=size)[:-1].reshape(groups, days)
            with np.errstate(invalid="ignore", divide="ignore"):
                means = np.where(counts > 0, sums / counts, np.nan)
            for number, entry in enumerate(result["groups"][name]):
                observations = int(counts[number].sum())
                entry["horizons"][str(horizon)] = {
                    "observations": observations,
                    "cohort_days": int((counts[number] > 0).sum()),
                    "mean_return": _mean(means[number]),
                    "excess_vs_equal_weighted": _mean(means[number] - equal),
                    "excess_vs_market": _mean(means[number] - market),
                    "hit_rate": float(hits[number].sum() / observations) if observations else None,
                }
            if horizon == SPREAD_HORIZON and name in ("trader", "investor"):
                spread = means[-1] - means[0]
                result["spread"][name] = [None if np.isnan(x) else round(float(x), 6) for x in spread]
    return result
