"""A deterministic, seeded market shaped like the real one.

Caps first, prices from them. Each token has a base cap from its rank on a power law
(the largest near $1.4T, the second near $380B, a handful above $50B, then a long tail
down to a few million); its cap on a day is that base, moved by the market and by a
deviation of its own. The market follows a fixed cycle (CYCLE_DAYS: RISE_DAYS of bull
run, the rest a drawdown, then the next recovery) plus mean-reverting noise. A token's
own deviation is mean-reverting too, with fat-tailed shocks (and, for small tokens, the
odd crash or pump), squeezed through tanh into a band whose width grows as the token
shrinks: a small token may go 8x either way, the largest only a few percent. So every
cap is bounded by construction: the largest stays within $1-2T, the total within a
plausible range, and no day's move runs away. Price is the cap over the circulating
supply, so price x supply == cap to the last bit of rounding.

Everything is drawn day by day from streams seeded by (seed, stream), day-major, so the
figures for a day never depend on which window is asked for: a refresh of one new day
continues yesterday's series.
"""

import datetime
import re

import numpy as np

from .base import MarketData, MarketDataProvider, ProviderError, TokenInfo, date_range

EPOCH = datetime.date(2024, 6, 1)
SECTORS = (
    "Layer 1", "Layer 2", "DeFi", "DePIN", "AI", "GameFi", "RWA", "Meme", "Infrastructure", "Privacy",
)  # fmt: skip
CHAINS = ("Ethereum", "Solana", "BNB Chain", "Arbitrum", "Base", "Avalanche", "Polygon", "Own chain")
SYLLABLES = (
    "ar", "bel", "cor", "da", "el", "fin", "gal", "hex", "io", "jun", "ka", "lum", "mer", "nov", "or",
    "pax", "qui", "ra", "sol", "ta", "ul", "ven", "wex", "xo", "yar", "zen", "tri", "vo", "chi", "neo",
)  # fmt: skip
SUFFIXES = ("", "", "", " Network", " Protocol", " Finance", " Chain", " AI", " Labs", " DAO")

# The market's shape: base caps of the two largest tokens, then cap(rank) = TENTH_CAP *
# (rank / 10) ** -TAIL_EXPONENT for the rest (rank 1 is the largest).
LARGEST_CAP = 1.42e12
SECOND_CAP = 3.8e11
TENTH_CAP = 3.0e10
TAIL_EXPONENT = 1.45
# The market cycle, in log terms: from -CYCLE_AMPLITUDE to +CYCLE_AMPLITUDE over RISE_DAYS,
# back down over the rest of CYCLE_DAYS; CYCLE_PHASE is where EPOCH sits in it.
CYCLE_DAYS, RISE_DAYS, CYCLE_AMPLITUDE, CYCLE_PHASE = 180, 110, 0.24, 40
# Market noise: daily shocks of this size, reverting over MARKET_MEMORY days, kept
# within +-MARKET_BAND (log).
MARKET_SHOCK, MARKET_MEMORY, MARKET_BAND = 0.025, 30, 0.09
# A shock is Student's t (4 degrees of freedom), clipped at this many units.
SHOCK_CLIP = 5.0
# Tokens above this base cap have no crash or pump days of their own.
JUMPS_BELOW_CAP = 1e9
JUMP_CHANCE = 0.0008  # per token and day, for a crash and for a pump each
# Days of inflation that supplies compound at most (older tokens stopped inflating).
INFLATION_DAYS_MAX = 3 * 365
# Recursions run in chunks of this many days (the closed form's factors stay small).
CHUNK = 64


def _names(rng, count):
    """Pronounceable made-up names; symbols come from the letters and may collide."""
    parts = rng.integers(0, len(SYLLABLES), size=(count, 3))
    lengths = rng.integers(2, 4, size=count)
    suffixes = rng.integers(0, len(SUFFIXES), size=count)
    tokens, seen = [], {}
    for index in range(count):
        stem = "".join(SYLLABLES[p] for p in parts[index, : lengths[index]]).capitalize()
        name = stem + SUFFIXES[suffixes[index]]
        symbol = re.sub(r"[^A-Z]", "", stem.upper())[: 3 + index % 2]
        base_slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        seen[base_slug] = seen.get(base_slug, 0) + 1
        slug = base_slug if seen[base_slug] == 1 else f"{base_slug}-{seen[base_slug]}"
        tokens.append((slug, name if seen[base_slug] == 1 else f"{name} {seen[base_slug]}", symbol))
    return tokens


def base_caps(rank, jitter):
    """Base market cap by rank (0 = largest): the two giants, then a power-law tail."""
    tail = TENTH_CAP * ((rank + 1) / 10.0) ** -TAIL_EXPONENT * np.exp(jitter)
    return np.select([rank == 0, rank == 1], [LARGEST_CAP, SECOND_CAP], tail)


def market_cycle(day):
    """The cycle's log level on day numbers `day` (days since EPOCH): a smooth rise over
    RISE_DAYS from -CYCLE_AMPLITUDE to +CYCLE_AMPLITUDE, then a smooth fall back."""
    phase = (np.asarray(day, dtype=float) + CYCLE_PHASE) % CYCLE_DAYS
    rising = phase < RISE_DAYS
    x = np.where(rising, phase / RISE_DAYS, (phase - RISE_DAYS) / (CYCLE_DAYS - RISE_DAYS))
    smooth = x * x * (3 - 2 * x)
    return CYCLE_AMPLITUDE * np.where(rising, 2 * smooth - 1, 1 - 2 * smooth)


def mean_reverting(shocks, keep):
    """z[t] = keep * z[t-1] + shocks[t] along axis 0, from z = 0, for every column at once
    (keep: one factor per column, below 1). Chunks of the closed form
    z[t0+k] = keep**k * (z[t0] + sum_j<=k keep**-j * shocks[t0+j])."""
    out = np.empty_like(shocks)
    state = np.zeros(shocks.shape[1:], dtype=shocks.dtype)
    for start in range(0, len(shocks), CHUNK):
        block = shocks[start : start + CHUNK]
        decay = keep ** np.arange(1, len(block) + 1)[:, None]
        out[start : start + len(block)] = decay * (state + np.cumsum(block / decay, axis=0))
        state = out[start + len(block) - 1]
    return out


def bounded(z, band):
    """z squeezed into (-band, band): unchanged near 0, flattening towards the edges."""
    return band * np.tanh(z / band)


def _shocks(rng, shape):
    """Fat-tailed unit shocks (Laplace: a move of four units is some thirty times likelier
    than under a normal curve), clipped at SHOCK_CLIP, as float32."""
    centred = rng.random(shape, dtype=np.float32) - np.float32(0.5)
    with np.errstate(divide="ignore"):  # a draw of exactly 0 gives -inf, clipped below
        magnitude = -np.log1p(np.float32(-2.0) * np.abs(centred)) / np.float32(np.sqrt(2.0))
    return np.clip(np.copysign(magnitude, centred), -SHOCK_CLIP, SHOCK_CLIP)


class DemoProvider(MarketDataProvider):
    name = "demo"

    def __init__(self, seed=2024, universe=6400):
        self.seed = int(seed)
        self.universe = int(universe)

    def _stream(self, number):
        return np.random.default_rng([self.seed, number])

    def fetch(self, *, end, days, limit=None, progress=None):
        start = end - datetime.timedelta(days=days - 1)
        if start < EPOCH:
            raise ProviderError(f"The demo market starts on {EPOCH}; ask for days from then on.")
        count = self.universe
        span = (end - EPOCH).days + 1
        static = self._stream(0)

        # Per-token character, drawn once.
        rank = static.permutation(count)
        base = base_caps(rank, static.normal(0.0, 0.2, count))
        log10_base = np.log10(base)
        # Most tokens traded before EPOCH; a fifth list later, and never among the largest.
        listed = np.where(
            static.random(count) < 0.8, static.integers(-2000, -30, count), static.integers(0, 480, count)
        )
        listed = np.where(rank < 40, np.minimum(listed, -400), listed)
        beta = np.select([rank == 0, rank == 1], [0.8, 0.95], static.uniform(0.8, 1.5, count))
        # Own daily volatility: about 1.5% for the largest, 6% for the smallest.
        own_shock = np.clip(
            np.exp(static.normal(0.0, 0.25, count)) * (0.055 - 0.008 * (log10_base - 7)), 0.008, 0.09
        )
        own_shock = np.where(rank == 0, 0.01, own_shock)
        keep = 1.0 - 1.0 / static.uniform(60, 240, count)
        band = np.where(rank == 0, 0.08, np.clip(0.35 + 0.35 * (11 - log10_base), 0.25, 2.1))
        jumps = base < JUMPS_BELOW_CAP
        # Supplies: a million to a hundred billion units; meme-sized ones only in the tail.
        meme_sized = (rank > 50) & (static.random(count) < 0.06)
        log10_supply0 = np.where(meme_sized, static.uniform(11, 14, count), static.uniform(6, 11, count))
        supply0 = 10**log10_supply0
        turnover = 10 ** static.uniform(-3.0, -0.9, count)
        inflation = np.where(static.random(count) < 0.6, static.uniform(0, 0.35, count) / 365, 0.0)
        unlocked = static.uniform(0.15, 1.0, count)
        supply_known = static.random(count) > 0.12
        capped = static.random(count) < 0.4
        sector_first = static.integers(0, len(SECTORS), count)
        sector_second = np.where(static.random(count) < 0.35, static.integers(0, len(SECTORS), count), -1)
        chains = static.integers(0, len(CHAINS), count)
        names = _names(static, count)

        # Day-major draws: row k is always day EPOCH + k, whatever the window. The
        # recursions run over every day since EPOCH; the rest only over the window.
        day = np.arange(span)
        market_shocks = _shocks(self._stream(1), (span, 1)) * np.float32(MARKET_SHOCK)
        market_noise = mean_reverting(market_shocks, np.float32([1.0 - 1.0 / MARKET_MEMORY]))
        log_market = market_cycle(day) + bounded(market_noise[:, 0], MARKET_BAND)
        shape = (span, count)
        own = _shocks(self._stream(3), shape) * own_shock.astype(np.float32)
        jump_draw = self._stream(5).random(shape, dtype=np.float32)
        # The draw picks crash and pump days at its two ends and sizes them by how far in.
        crash = jumps & (jump_draw < JUMP_CHANCE)
        pump = jumps & (jump_draw > 1 - JUMP_CHANCE)
        depth = np.where(crash, jump_draw, 1 - jump_draw) / np.float32(JUMP_CHANCE)
        jump = np.where(crash, -(0.4 + 0.8 * depth), np.where(pump, 0.3 + 0.6 * depth, 0.0))
        own += jump.astype(np.float32)
        own = mean_reverting(own, keep.astype(np.float32))
        volume_noise = self._stream(7).standard_normal(shape, dtype=np.float32)
        upper_wick = self._stream(8).standard_exponential(shape, dtype=np.float32)
        lower_wick = self._stream(9).standard_exponential(shape, dtype=np.float32)

        first, last = (start - EPOCH).days, (end - EPOCH).days + 1
        listed_by_end = listed <= last - 1
        log_cap_end = np.log(base) + beta * log_market[last - 1] + bounded(own[last - 1], band)
        present = np.flatnonzero(listed_by_end)
        ranked = present[np.argsort(-log_cap_end[present], kind="stable")]
        chosen = ranked[:limit] if limit else ranked

        # From here on: the window (and the day before it, for returns), chosen tokens only.
        rows = slice(max(first - 1, 0), last)
        days_w = day[rows][:, None]
        listed_w, base_w, band_w = listed[chosen], base[chosen], band[chosen]
        trading = days_w >= listed_w[None, :]
        log_cap = (
            np.log(base_w) + beta[chosen] * log_market[rows][:, None] + bounded(own[rows][:, chosen], band_w)
        )
        age = np.maximum(days_w - listed_w[None, :], 0)
        circulating = supply0[chosen] * (1 + inflation[chosen]) ** np.minimum(age, INFLATION_DAYS_MAX)
        close = np.where(trading, np.exp(log_cap) / circulating, np.nan)
        market_cap = close * circulating
        returns = np.diff(log_cap, axis=0, prepend=log_cap[:1])
        previous = np.vstack([close[:1], close[:-1]])
        open_ = np.where(np.isnan(previous), close, previous)
        daily_range = 0.4 * (own_shock[chosen] + 0.01)
        high = np.maximum(open_, close) * (1 + upper_wick[rows][:, chosen] * daily_range)
        low = np.minimum(open_, close) / (1 + lower_wick[rows][:, chosen] * daily_range)
        total = np.where(supply_known[chosen], np.maximum(circulating, (supply0 / unlocked)[chosen]), np.nan)
        surge = 0.35 * volume_noise[rows][:, chosen] + 6 * np.abs(returns)
        volume = market_cap * turnover[chosen] * np.exp(surge)
        tokens = [
            TokenInfo(
                slug=names[i][0],
                name=names[i][1],
                symbol=names[i][2],
                chain=CHAINS[chains[i]],
                sectors=tuple(
                    dict.fromkeys(SECTORS[s] for s in (sector_first[i], sector_second[i]) if s >= 0)
                ),
                provider_ids={"demo": names[i][0]},
                launched_on=EPOCH + datetime.timedelta(days=int(listed[i])),
                max_supply=float(supply0[i] / unlocked[i]) if capped[i] and supply_known[i] else None,
            )
            for i in chosen
        ]
        window = slice(first - rows.start, None)
        arrays = {
            "open": open_,
            "high": high,
            "low": low,
            "close": close,
            "volume": volume,
            "market_cap": market_cap,
            "circulating_supply": np.where(trading, circulating, np.nan),
            "total_supply": np.where(trading, total, np.nan),
        }
        arrays = {key: np.ascontiguousarray(value[window].T, dtype=float) for key, value in arrays.items()}
        return MarketData(tokens=tokens, dates=date_range(end, days), arrays=arrays)
