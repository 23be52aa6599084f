"""Risk figures of many tokens on one day: arrays of closes in, one figure per token out.

Each input is a float matrix of shape (tokens, days) in date order, NaN where a day has
no close; the last column is the day the figures are for. Nothing loops over tokens.
Returns are simple daily returns, close / previous close - 1, between consecutive days
that both have a close. Crypto trades every day, so yearly figures scale by 365 days.
The risk-free rate is taken as zero. RISK_METHOD below is what the token page and the
API documentation print, from the same constants.
"""

import numpy as np

WINDOWS = (30, 90, 365)
DAYS_PER_YEAR = 365
VAR_LEVEL = 0.95
# A window's figures need returns on at least this share of its days, else they are null.
MIN_COVERAGE = 0.8
# Support and resistance: turning points of the closes over the last LEVEL_DAYS days,
# a close that is the lowest (highest) of the PIVOT_DAYS days on either side of it.
LEVEL_DAYS = 90
PIVOT_DAYS = 3

FIGURES = ("volatility", "sharpe", "sortino", "max_drawdown", "var_95", "beta")
FIELDS = tuple(f"{figure}_{window}d" for window in WINDOWS for figure in FIGURES) + ("support", "resistance")

RISK_METHOD = (
    f"Daily returns are close-to-close. Volatility is the standard deviation of daily returns "
    f"(n - 1 in the denominator) times the square root of {DAYS_PER_YEAR}. Sharpe is the mean daily "
    f"return over its standard deviation, times the square root of {DAYS_PER_YEAR}, with a risk-free "
    f"rate of zero; Sortino divides by the downside deviation instead (the root mean square of the "
    f"returns below zero, counting every day of the window). Maximum drawdown is the largest fall from "
    f"a closing high to a later close within the window. Value at risk ({VAR_LEVEL:.0%}) is the daily "
    f"loss exceeded on {1 - VAR_LEVEL:.0%} of the window's days (the {1 - VAR_LEVEL:.0%} quantile of "
    f"daily returns, as a loss). Beta is the covariance of the token's daily returns with the market's "
    f"(all tokens, weighted by the previous day's market cap) over the market's variance. A window "
    f"needs returns on {MIN_COVERAGE:.0%} of its days. Support is the highest turning-point low below "
    f"the last close in the last {LEVEL_DAYS} days, resistance the lowest turning-point high above it, "
    f"where a turning point is a close that is the lowest (highest) of the {PIVOT_DAYS} days either side."
)


def daily_returns(close):
    """Simple returns between consecutive days; NaN where either day lacks a close."""
    close = np.asarray(close, dtype=float)
    returns = np.full(close.shape, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        returns[:, 1:] = close[:, 1:] / close[:, :-1] - 1.0
    return returns


def market_returns(close, market_cap):
    """The market's daily return: every token's return weighted by its previous day's cap."""
    returns = daily_returns(close)
    weights = np.full(returns.shape, np.nan)
    weights[:, 1:] = market_cap[:, :-1]
    usable = np.isfinite(returns) & np.isfinite(weights) & (weights > 0)
    weight = np.where(usable, weights, 0.0)
    total = weight.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (weight * np.where(usable, returns, 0.0)).sum(axis=0) / total, np.nan)


def row_quantile(values, count, q):
    """Each row's q-quantile of its non-NaN values, interpolated linearly between order
    statistics as numpy.quantile does; np.sort puts NaN last, so the rows sort at once."""
    ordered = np.sort(values, axis=1)
    position = np.maximum(count - 1, 0) * q
    below = np.floor(position).astype(np.int64)
    above = np.minimum(below + 1, np.maximum(count - 1, 0))
    rows = np.arange(values.shape[0])
    low, high = ordered[rows, below], ordered[rows, above]
    return np.where(count > 0, low + (high - low) * (position - below), np.nan)


def _max_drawdown(close):
    """Largest fall from a running high to a later close, as a negative fraction (0: none)."""
    filled = np.where(np.isnan(close), -np.inf, close)
    highs = np.maximum.accumulate(filled, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        falls = np.where(np.isfinite(close) & (highs > 0), close / highs - 1.0, np.nan)
    return np.nanmin(np.where(np.isnan(falls), np.inf, falls), axis=1)


def figures(close, market_cap):
    """{field: array of one figure per token} for the last column (see FIELDS)."""
    close = np.asarray(close, dtype=float)
    market_cap = np.asarray(market_cap, dtype=float)
    returns = daily_returns(close)
    market = market_returns(close, market_cap)
    out = {}
    for window in WINDOWS:
        r = returns[:, -window:]
        m = market[-window:]
        present = np.isfinite(r)
        count = present.sum(axis=1)
        enough = (count >= 2) & (count >= MIN_COVERAGE * window)
        zeroed = np.where(present, r, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = zeroed.sum(axis=1) / count
            deviation = np.where(present, r - mean[:, None], 0.0)
            std = np.sqrt((deviation**2).sum(axis=1) / (count - 1))
            downside = np.sqrt((np.minimum(zeroed, 0.0) ** 2).sum(axis=1) / count)
            sharpe = np.where(std > 0, mean / std * np.sqrt(DAYS_PER_YEAR), np.nan)
            sortino = np.where(downside > 0, mean / downside * np.sqrt(DAYS_PER_YEAR), np.nan)
            var = -row_quantile(r, count, 1 - VAR_LEVEL)
            both = present & np.isfinite(m)[None, :]
            paired = both.sum(axis=1)
            token_mean = np.where(both, r, 0.0).sum(axis=1) / paired
            market_mean = np.where(both, m[None, :], 0.0).sum(axis=1) / paired
            token_dev = np.where(both, r - token_mean[:, None], 0.0)
            market_dev = np.where(both, m[None, :] - market_mean[:, None], 0.0)
            market_var = (market_dev**2).sum(axis=1)
            beta = np.where(market_var > 0, (token_dev * market_dev).sum(axis=1) / market_var, np.nan)
        drawdown = _max_drawdown(close[:, -(window + 1) :])
        for figure, values in (
            ("volatility", std * np.sqrt(DAYS_PER_YEAR)),
            ("sharpe", sharpe),
            ("sortino", sortino),
            ("max_drawdown", drawdown),
            ("var_95", var),
            ("beta", beta),
        ):
            out[f"{figure}_{window}d"] = np.where(enough, values, np.nan)
    out["support"], out["resistance"] = levels(close)
    return out


def levels(close):
    """(support, resistance) per token from the closes' turning points (see PIVOT_DAYS)."""
    close = np.asarray(close, dtype=float)[:, -LEVEL_DAYS:]
    width = 2 * PIVOT_DAYS + 1
    count = close.shape[0]
    if close.shape[1] < width:
        return np.full(count, np.nan), np.full(count, np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(close, width, axis=1)
    centre = close[:, PIVOT_DAYS : close.shape[1] - PIVOT_DAYS]
    complete = ~np.isnan(windows).any(axis=2)
    with np.errstate(invalid="ignore"):
        lows = complete & (centre == windows.min(axis=2))
        highs = complete & (centre == windows.max(axis=2))
    last = close[:, -1:]
    with np.errstate(invalid="ignore"):
        below = np.where(lows & (centre < last), centre, -np.inf).max(axis=1)
        above = np.where(highs & (centre > last), centre, np.inf).min(axis=1)
    present = np.isfinite(last[:, 0])
    support = np.where(present & np.isfinite(below), below, np.nan)
    resistance = np.where(present & np.isfinite(above), above, np.nan)
    return support, resistance
