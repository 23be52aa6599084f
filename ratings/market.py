"""The market overview: the whole market's size, breadth, regime, sectors and movers.

Arrays in (shape (tokens, days), date order, NaN for a missing day), a plain summary out;
the last column is the day reported. Totals are sums over the tokens we track.
"""

import numpy as np

from .grading import SIGNALS, rolling_mean

BREADTH_WINDOWS = (50, 200)
# A Trader Grade this high or higher counts as high: the Strong Buy floor.
HIGH_TRADER_GRADE = SIGNALS[0][0]
REGIME_AVERAGE_DAYS = 200
SECTOR_PERIODS = (1, 7, 30, 90)
MOVERS = 5
# Movers are chosen among tokens at least this large, so dust does not fill the list.
MOVER_MIN_CAP = 10_000_000.0

REGIME_RULE = (
    f"Bull when the total market cap is above its {REGIME_AVERAGE_DAYS}-day average and more than half "
    f"of the tokens close above their own {BREADTH_WINDOWS[0]}-day average; bear when the total is below "
    f"its {REGIME_AVERAGE_DAYS}-day average and fewer than half do; neutral when the two disagree. Until "
    f"{REGIME_AVERAGE_DAYS} days of totals are stored there is no regime."
)


def _rounded(values, digits):
    return [None if not np.isfinite(x) else round(float(x), digits) for x in np.asarray(values, dtype=float)]


def breadth(close, window):
    """Per day, the share of tokens with a close above their `window`-day average (NaN when
    no token has that much history)."""
    average = rolling_mean(close, window, min_count=window)
    counted = np.isfinite(close) & np.isfinite(average)
    with np.errstate(invalid="ignore", divide="ignore"):
        above = (counted & (close > average)).sum(axis=0)
        total = counted.sum(axis=0)
        return np.where(total > 0, above / np.maximum(total, 1), np.nan)


def regimes(total_cap, breadth_short):
    """"bull", "bear", "neutral" or None per day, by REGIME_RULE."""
    average = rolling_mean(np.asarray(total_cap, dtype=float)[None, :], REGIME_AVERAGE_DAYS,
                           min_count=REGIME_AVERAGE_DAYS)[0]
    out = []
    for total, mean, share in zip(total_cap.tolist(), average.tolist(), breadth_short.tolist(), strict=True):
        if not (np.isfinite(mean) and np.isfinite(share)):
            out.append(None)
        elif total > mean and share > 0.5:
            out.append("bull")
        elif total < mean and share < 0.5:
            out.append("bear")
        else:
            out.append("neutral")
    return out


def sector_returns(close, market_cap, membership, period):
    """Cap-weighted return of each sector over the last `period` days: membership is a
    boolean matrix (sectors, tokens); weights are the caps at the start of the period."""
    if close.shape[1] <= period:
        return np.full(membership.shape[0], np.nan)
    start, end = close[:, -1 - period], close[:, -1]
    weight = market_cap[:, -1 - period]
    with np.errstate(invalid="ignore", divide="ignore"):
        returns = end / start - 1.0
    usable = np.isfinite(returns) & np.isfinite(weight) & (weight > 0)
    weight = np.where(usable, weight, 0.0)
    members = membership.astype(float)
    total = members @ weight
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (members @ (weight * np.where(usable, returns, 0.0))) / total, np.nan)


def movers(close, market_cap, tokens, days):
    """The largest rises and falls over `days` among tokens of at least MOVER_MIN_CAP."""
    if close.shape[1] <= days:
        return {"up": [], "down": []}
    with np.errstate(invalid="ignore", divide="ignore"):
        change = close[:, -1] / close[:, -1 - days] - 1.0
    eligible = np.isfinite(change) & (np.nan_to_num(market_cap[:, -1]) >= MOVER_MIN_CAP)
    rows = np.flatnonzero(eligible)
    order = rows[np.argsort(change[rows], kind="stable")]

    def entry(row):
        slug, name, symbol = tokens[row]
        return {
            "token": slug, "name": name, "symbol": symbol, "change": round(float(change[row]), 6),
            "price": float(close[row, -1]), "market_cap": float(market_cap[row, -1]),
        }  # fmt: skip

    return {
        "up": [entry(row) for row in order[::-1][:MOVERS] if change[row] > 0],
        "down": [entry(row) for row in order[:MOVERS] if change[row] < 0],
    }


def compute(dates, close, volume, market_cap, trader, tokens, sectors, membership):
    """The overview as plain data. `tokens` is [(slug, name, symbol)] per row; `sectors`
    [(slug, name)] per row of `membership` (sectors, tokens)."""
    close = np.asarray(close, dtype=float)
    total_cap = np.nansum(np.asarray(market_cap, dtype=float), axis=0)
    total_volume = np.nansum(np.asarray(volume, dtype=float), axis=0)
    shares = {window: breadth(close, window) for window in BREADTH_WINDOWS}
    graded = np.isfinite(trader)
    with np.errstate(invalid="ignore", divide="ignore"):
        high = np.where(graded.sum(axis=0) > 0, (graded & (trader >= HIGH_TRADER_GRADE)).sum(axis=0)
                        / np.maximum(graded.sum(axis=0), 1), np.nan)
    regime = regimes(total_cap, shares[BREADTH_WINDOWS[0]])
    sector_table = []
    by_period = {period: sector_returns(close, market_cap, membership, period) for period in SECTOR_PERIODS}
    for number, (slug, name) in enumerate(sectors):
        sector_table.append(
            {
                "sector": slug,
                "name": name,
                "tokens": int(membership[number].sum()),
                "returns": {f"{p}d": _rounded([by_period[p][number]], 6)[0] for p in SECTOR_PERIODS},
            }
        )
    last = len(dates) - 1
    return {
        "date": dates[-1].isoformat() if dates else None,
        "regime": regime[last] if dates else None,
        "regime_rule": REGIME_RULE,
        "high_trader_grade": HIGH_TRADER_GRADE,
        "latest": {
            "total_market_cap": float(total_cap[last]) if dates else None,
            "total_volume": float(total_volume[last]) if dates else None,
            **{f"above_{w}d_average": _rounded(shares[w][-1:], 4)[0] if dates else None
               for w in BREADTH_WINDOWS},
            "high_trader_grade_share": _rounded(high[-1:], 4)[0] if dates else None,
        },
        "series": {
            "dates": [day.isoformat() for day in dates],
            "total_market_cap": _rounded(total_cap, 0),
            "total_volume": _rounded(total_volume, 0),
            **{f"above_{w}d_average": _rounded(shares[w], 4) for w in BREADTH_WINDOWS},
            "high_trader_grade_share": _rounded(high, 4),
            "regime": regime,
        },
        "sectors": sector_table,
        "sector_periods": [f"{p}d" for p in SECTOR_PERIODS],
        "movers": {"24h": movers(close, market_cap, tokens, 1), "7d": movers(close, market_cap, tokens, 7)},
    }
