"""Trader and Investor Grades for every token and every day at once.

Arrays in, arrays out: each input is a float matrix of shape (tokens, days) in date
order, NaN where a day has no valid data. Nothing here loops over tokens or days in
Python; rolling windows are differences of cumulative sums. The same input always gives
the same grades.

Every component turns one measure into a score from 0 to 100 by a straight line between
a *worst* value (score 0) and a *best* value (score 100), clipped at both ends; measures
that span orders of magnitude are placed on that line by their logarithm. A grade is the
weighted mean of its components; a component the data cannot support (no supply figures,
say) is left out and the remaining weights are scaled up to sum to one. The methodology
page renders COMPONENTS, SIGNALS and the limits below, so the page and the grades agree.
"""

from dataclasses import dataclass, field

import numpy as np

# Window lengths in days.
SHORT_AVERAGE = 20
LONG_AVERAGE = 50
RSI_WINDOW = 14
# Days after which a move no longer counts in the RSI (its weight has fallen below 1%).
RSI_MEMORY = 5 * RSI_WINDOW
VOLATILITY_WINDOW = 30
VOLUME_SHORT = 7
VOLUME_LONG = 30
RISK_RETURN_WINDOW = 90
# The week's log return at which the volume component counts the direction as ~3/4 certain.
VOLUME_DIRECTION_SCALE = 0.05
# A token needs this many days of closes in the last LONG_AVERAGE days to be graded at all.
MIN_HISTORY_DAYS = 14
# Drawdown limit: a token this far below its all-time high cannot grade above the cap.
DRAWDOWN_CAP_AT = -0.80
DRAWDOWN_CAP_GRADE = 45.0
# Days of stored history the grades of one new day depend on (longest window plus slack).
HISTORY_NEEDED = max(RISK_RETURN_WINDOW, RSI_MEMORY) + 10


@dataclass(frozen=True)
class Component:
    key: str
    grade: str  # "trader" or "investor"
    name: str
    weight: float
    measure: str
    worst: float
    best: float
    log_scale: bool = False
    unit: str = ""

    def score(self, values):
        values = np.asarray(values, dtype=float)
        worst, best = self.worst, self.best
        if self.log_scale:
            with np.errstate(divide="ignore", invalid="ignore"):
                values = np.log10(np.where(values > 0, values, np.nan))
            worst, best = np.log10(worst), np.log10(best)
        return np.clip((values - worst) / (best - worst), 0.0, 1.0) * 100.0


COMPONENTS = (
    Component(
        "trend",
        "trader",
        "Trend",
        0.35,
        f"Mean of price over its {SHORT_AVERAGE}-day average and that average over the "
        f"{LONG_AVERAGE}-day average, as a fractional gap",
        worst=-0.25,
        best=0.25,
        unit="gap",
    ),
    Component(
        "momentum",
        "trader",
        "Momentum",
        0.25,
        f"{RSI_WINDOW}-day relative strength index (Wilder's smoothing of gains and losses, "
        f"over the last {RSI_MEMORY} days)",
        worst=30.0,
        best=70.0,
        unit="RSI",
    ),
    Component(
        "volatility",
        "trader",
        "Volatility",
        0.15,
        f"Annualised standard deviation of {VOLATILITY_WINDOW} days of daily log returns; "
        "calmer scores higher",
        worst=2.0,
        best=0.4,
        unit="per year",
    ),
    Component(
        "volume_flow",
        "trader",
        "Volume",
        0.25,
        f"log2 of {VOLUME_SHORT}-day over {VOLUME_LONG}-day average volume, times the "
        f"{VOLUME_SHORT}-day price direction (tanh of the week's log return over "
        f"{VOLUME_DIRECTION_SCALE:.0%}: a rise of that size counts three quarters, a flat week "
        "nothing): volume that confirms a rise scores high, volume on a fall low",
        worst=-1.0,
        best=1.0,
        unit="log2 ratio",
    ),
    Component(
        "size",
        "investor",
        "Market cap",
        0.20,
        "Market capitalisation",
        worst=1e6,
        best=1e11,
        log_scale=True,
        unit="USD",
    ),
    Component(
        "liquidity",
        "investor",
        "Liquidity",
        0.15,
        f"{VOLUME_LONG}-day average daily volume as a share of market cap",
        worst=3e-4,
        best=0.1,
        log_scale=True,
        unit="share per day",
    ),
    Component(
        "drawdown",
        "investor",
        "Drawdown from all-time high",
        0.25,
        "Close over the highest close ever seen, minus one",
        worst=-0.9,
        best=0.0,
        unit="fraction",
    ),
    Component(
        "risk_return",
        "investor",
        "Risk-adjusted return",
        0.20,
        f"Annualised Sharpe ratio of {RISK_RETURN_WINDOW} days of daily log returns (no risk-free rate)",
        worst=-1.5,
        best=2.0,
        unit="ratio",
    ),
    Component(
        "supply",
        "investor",
        "Supply dynamics",
        0.10,
        "Circulating over total supply: little left to unlock scores high",
        worst=0.2,
        best=1.0,
        unit="fraction",
    ),
    Component(
        "age",
        "investor",
        "Age",
        0.10,
        "Days since the token first traded",
        worst=30,
        best=4 * 365,
        log_scale=True,
        unit="days",
    ),
)
TRADER_COMPONENTS = tuple(c for c in COMPONENTS if c.grade == "trader")
INVESTOR_COMPONENTS = tuple(c for c in COMPONENTS if c.grade == "investor")

# (lowest Trader Grade for the signal, signal value as in ratings.models.Signal, label)
SIGNALS = (
    (80.0, 5, "Strong Buy"),
    (60.0, 4, "Buy"),
    (40.0, 3, "Neutral"),
    (20.0, 2, "Sell"),
    (0.0, 1, "Strong Sell"),
)


@dataclass
class MarketArrays:
    """Daily market data for many tokens. Shapes (tokens, days); NaN means missing."""

    close: np.ndarray
    volume: np.ndarray
    market_cap: np.ndarray
    circulating_supply: np.ndarray
    total_supply: np.ndarray
    # Per token: highest price seen before the first column (NaN if unknown).
    prior_high: np.ndarray | None = None
    # Per token: column index of the day it first traded; may be negative (before the
    # window) or NaN (unknown: the first column with a close is used).
    launch_index: np.ndarray | None = None


@dataclass
class Grades:
    trader: np.ndarray
    investor: np.ndarray
    signal: np.ndarray
    components: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)

    def graded(self):
        """Boolean mask of the (token, day) cells that have grades."""
        return ~np.isnan(self.trader)


def _shift(x, days):
    """x moved `days` columns to the right along the day axis, NaN-filled."""
    out = np.full_like(x, np.nan)
    if days < x.shape[1]:
        out[:, days:] = x[:, : x.shape[1] - days]
    return out


def rolling_sum_count(x, window):
    """Sum and number of non-NaN values over the trailing window, for every column."""
    valid = ~np.isnan(x)
    sums = np.cumsum(np.where(valid, x, 0.0), axis=1)
    counts = np.cumsum(valid, axis=1, dtype=np.float64)
    if window < x.shape[1]:
        sums[:, window:] -= sums[:, :-window].copy()
        counts[:, window:] -= counts[:, :-window].copy()
    return sums, counts


def rolling_mean(x, window, min_count=1):
    total, count = rolling_sum_count(x, window)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count >= min_count, total / count, np.nan)


def rolling_std(x, window, min_count=2):
    mean = rolling_mean(x, window, min_count)
    mean_of_squares = rolling_mean(x * x, window, min_count)
    return np.sqrt(np.maximum(mean_of_squares - mean * mean, 0.0))


def exponential_mean(x, alpha, window, chunk=64):
    """sum over j < window of alpha * (1 - alpha)**j * x[t-j], along the day axis, with no
    NaN in x: an exponential mean cut off after `window` days, so that (like every other
    measure) it depends on a fixed stretch of history and not on where the data starts.
    The uncut mean m[t] = (1 - alpha) * m[t-1] + alpha * x[t] runs in chunks of the closed
    form m[t0+k] = keep**k * (m[t0] + alpha * sum_j<=k keep**-j * x[t0+j]), whose factors
    stay small within a chunk; the cut subtracts keep**window * m[t-window]."""
    keep = 1.0 - alpha
    out = np.empty_like(x, dtype=float)
    state = np.zeros(x.shape[0])
    for start in range(0, x.shape[1], chunk):
        block = x[:, start : start + chunk]
        steps = np.arange(1, block.shape[1] + 1)
        view = out[:, start : start + block.shape[1]]
        np.cumsum(block * (alpha * keep**-steps), axis=1, out=view)
        view += state[:, None]
        view *= keep**steps
        state = view[:, -1]
    if window < x.shape[1]:
        out[:, window:] -= keep**window * out[:, :-window]
    return out


def forward_fill(x):
    """Carry the last valid value forward along the day axis (NaN before the first one)."""
    columns = np.where(~np.isnan(x), np.arange(x.shape[1]), -1)
    last = np.maximum.accumulate(columns, axis=1)
    filled = np.take_along_axis(x, np.maximum(last, 0), axis=1)
    return np.where(last >= 0, filled, np.nan)


def measures(market):
    """The raw measure behind every component, keyed like COMPONENTS."""
    close = np.asarray(market.close, dtype=float)
    volume = np.asarray(market.volume, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_close = np.log(np.where(close > 0, close, np.nan))
        returns = log_close - _shift(log_close, 1)

        short_avg = rolling_mean(close, SHORT_AVERAGE)
        long_avg = rolling_mean(close, LONG_AVERAGE)
        trend = 0.5 * (close / short_avg - 1.0) + 0.5 * (short_avg / long_avg - 1.0)

        # Wilder's smoothing: a big day fades out instead of dropping out of a window
        # fourteen days later (which moved the score on a day when nothing happened).
        # A missing day counts as no move; it shrinks gains and losses alike.
        _, moves = rolling_sum_count(returns, RSI_WINDOW)
        gains = exponential_mean(np.where(returns > 0, returns, 0.0), 1.0 / RSI_WINDOW, RSI_MEMORY)
        losses = exponential_mean(np.where(returns < 0, -returns, 0.0), 1.0 / RSI_WINDOW, RSI_MEMORY)
        rsi = np.where(moves > 0, 100.0 * gains / (gains + losses), np.nan)
        rsi = np.where((moves > 0) & (gains + losses == 0), 50.0, rsi)

        volatility = rolling_std(returns, VOLATILITY_WINDOW, min_count=5) * np.sqrt(365.0)

        volume_ratio = rolling_mean(volume, VOLUME_SHORT) / rolling_mean(volume, VOLUME_LONG)
        # A smooth direction, not a sign: a week that ends a hair lower than it began must
        # not turn heavy volume from the best score to the worst overnight.
        week_return = np.nan_to_num(log_close - _shift(forward_fill(log_close), VOLUME_SHORT))
        volume_flow = np.log2(volume_ratio) * np.tanh(week_return / VOLUME_DIRECTION_SCALE)

        size = np.asarray(market.market_cap, dtype=float)
        liquidity = rolling_mean(volume, VOLUME_LONG) / size

        running_high = np.fmax.accumulate(np.where(np.isnan(close), -np.inf, close), axis=1)
        if market.prior_high is not None:
            running_high = np.fmax(running_high, np.asarray(market.prior_high, dtype=float)[:, None])
        drawdown = close / running_high - 1.0

        mean_return = rolling_mean(returns, RISK_RETURN_WINDOW, min_count=MIN_HISTORY_DAYS)
        spread = rolling_std(returns, RISK_RETURN_WINDOW, min_count=MIN_HISTORY_DAYS)
        # A perfectly steady series has no spread; cap the ratio instead of dividing by zero.
        sharpe = np.where(spread > 1e-9, mean_return / spread * np.sqrt(365.0), np.sign(mean_return) * 10.0)

        supply = np.asarray(market.circulating_supply, dtype=float) / np.asarray(
            market.total_supply, dtype=float
        )
        supply = np.where(np.isfinite(supply), np.minimum(supply, 1.0), np.nan)

        columns = np.arange(close.shape[1], dtype=float)
        first_close = np.where(np.isnan(close).all(axis=1), np.nan, np.argmax(~np.isnan(close), axis=1))
        launch = first_close
        if market.launch_index is not None:
            launch = np.fmin(np.asarray(market.launch_index, dtype=float), first_close)
        age = columns[None, :] - launch[:, None] + 1.0

    return {
        "trend": trend,
        "momentum": rsi,
        "volatility": volatility,
        "volume_flow": volume_flow,
        "size": size,
        "liquidity": liquidity,
        "drawdown": drawdown,
        "risk_return": sharpe,
        "supply": supply,
        "age": age,
    }


def weighted_grade(scores, components):
    """Weighted mean of the component scores, leaving out (and re-weighting around) missing ones."""
    total = np.zeros_like(scores[components[0].key])
    weight_present = np.zeros_like(total)
    for component in components:  # a handful of components, each a whole-matrix operation
        score = scores[component.key]
        present = ~np.isnan(score)
        total += np.where(present, score, 0.0) * component.weight
        weight_present += present * component.weight
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight_present > 0, total / weight_present, np.nan)


def signal_for(trader_grade):
    """Signal values (1-5, 0 where there is no grade) for an array of Trader Grades."""
    grade = np.asarray(trader_grade, dtype=float)
    signal = np.zeros(grade.shape, dtype=np.int16)
    for floor, value, _label in reversed(SIGNALS):
        signal = np.where(grade >= floor, value, signal)
    return signal


def grades_from_scores(scores, drawdown_capped):
    """(Trader, Investor) Grades to one decimal from whole-number component scores, the
    Investor Grade held at DRAWDOWN_CAP_GRADE where `drawdown_capped`."""
    trader = np.round(weighted_grade(scores, TRADER_COMPONENTS), 1)
    investor = weighted_grade(scores, INVESTOR_COMPONENTS)
    investor = np.where(drawdown_capped, np.minimum(investor, DRAWDOWN_CAP_GRADE), investor)
    return trader, np.round(investor, 1)


def grade(market):
    """Both grades, their components, signals and changes for every token and day."""
    close = np.asarray(market.close, dtype=float)
    raw = measures(market)
    # Whole-number scores, as stored and shown: the grades are made of exactly these, so
    # anyone can recompute a grade, and explain its change, from the components shown.
    scores = {c.key: np.round(c.score(raw[c.key])) for c in COMPONENTS}

    _, history = rolling_sum_count(close, LONG_AVERAGE)
    gradeable = ~np.isnan(close) & (history >= MIN_HISTORY_DAYS)
    trader, investor = grades_from_scores(scores, raw["drawdown"] <= DRAWDOWN_CAP_AT)
    trader = np.where(gradeable, trader, np.nan)
    investor = np.where(gradeable, investor, np.nan)
    scores = {key: np.where(gradeable, value, np.nan) for key, value in scores.items()}

    with np.errstate(invalid="ignore", divide="ignore"):
        changes = {
            "trader_change_24h": trader - _shift(trader, 1),
            "trader_change_7d": trader - _shift(trader, 7),
            "investor_change_24h": investor - _shift(investor, 1),
            "investor_change_7d": investor - _shift(investor, 7),
            "price_change_24h": (close / _shift(close, 1) - 1.0) * 100.0,
            "price_change_7d": (close / _shift(close, 7) - 1.0) * 100.0,
        }
    changes = {key: np.where(gradeable, np.round(value, 2), np.nan) for key, value in changes.items()}
    return Grades(
        trader=trader, investor=investor, signal=signal_for(trader), components=scores, changes=changes
    )


def methodology():
    """What the methodology page shows, straight from the constants above."""
    return {
        "trader": TRADER_COMPONENTS,
        "investor": INVESTOR_COMPONENTS,
        "signals": SIGNALS,
        "windows": {
            "short_average": SHORT_AVERAGE,
            "long_average": LONG_AVERAGE,
            "rsi": RSI_WINDOW,
            "volatility": VOLATILITY_WINDOW,
            "volume_short": VOLUME_SHORT,
            "volume_long": VOLUME_LONG,
            "risk_return": RISK_RETURN_WINDOW,
        },
        "min_history_days": MIN_HISTORY_DAYS,
        "drawdown_cap_at": DRAWDOWN_CAP_AT,
        "drawdown_cap_grade": DRAWDOWN_CAP_GRADE,
    }
