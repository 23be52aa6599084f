"""A deterministic, seeded market that looks like the real one.

Prices follow a random walk with a market-wide factor, per-token drift that changes
regime every few months, fat-tailed days and occasional crashes; volumes track market
cap and jump on big moves; supplies inflate slowly. Everything is drawn day by day from
streams seeded by (seed, stream), day-major, so the figures for a day never depend on
which window is asked for: a refresh of one new day continues yesterday's series.
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
        listed = np.where(
            static.random(count) < 0.8, static.integers(-2000, 1, count), static.integers(0, 480, count)
        )
        # Market caps at listing: many small tokens, a few giants.
        log_cap0 = np.clip(static.normal(7.2, 1.05, count), 5.0, 11.8) * np.log(10)
        log_price0 = static.uniform(-5.5, 3.5, count) * np.log(10)
        supply0 = np.exp(log_cap0 - log_price0)
        volatility = np.exp(static.normal(np.log(0.045), 0.45, count))
        beta = static.uniform(0.4, 1.6, count)
        turnover = 10 ** static.uniform(-3.2, -0.8, count)
        inflation = np.where(static.random(count) < 0.6, static.uniform(0, 0.35, count) / 365, 0.0)
        unlocked = static.uniform(0.15, 1.0, count)
        supply_known = static.random(count) > 0.12
        capped = static.random(count) < 0.4
        sector_first = static.integers(0, len(SECTORS), count)
        sector_second = np.where(static.random(count) < 0.35, static.integers(0, len(SECTORS), count), -1)
        chains = static.integers(0, len(CHAINS), count)
        names = _names(static, count)

        # Day-major draws: row k is always day EPOCH + k, whatever the window.
        market = self._stream(1).standard_t(4, size=(span, 1)) * 0.022
        market_crash = self._stream(2).random((span, 1)) < 0.004
        market = market + np.where(market_crash, np.log(0.72), 0.0)
        shape = (span, count)
        # Fat tails: one day in fifty moves three times as far.
        noise = self._stream(3).standard_normal(shape, dtype=np.float32)
        noise *= np.where(self._stream(4).random(shape, dtype=np.float32) < 0.02, 3.0, 0.85)
        crash_draw = self._stream(5).random(shape, dtype=np.float32)
        crash = crash_draw < 0.0015
        crash_depth = np.log(0.25 + 0.45 * crash_draw / 0.0015)
        regime_draw = self._stream(6).normal(-0.1, 0.7, size=(span // 90 + 1, count)) / 365
        volume_noise = self._stream(7).standard_normal(shape, dtype=np.float32) * 0.35
        upper_wick = self._stream(8).standard_exponential(shape, dtype=np.float32) * 0.4
        lower_wick = self._stream(9).standard_exponential(shape, dtype=np.float32) * 0.4

        drift = np.repeat(regime_draw, 90, axis=0)[:span]
        returns = drift + beta * market + volatility * noise + np.where(crash, crash_depth, 0.0)
        day = np.arange(span)[:, None]
        trading = day >= listed[None, :]
        log_price = np.cumsum(np.where(trading, returns, 0.0), axis=0)
        listing_row = np.clip(listed, 0, span - 1)
        log_price = log_price - log_price[listing_row, np.arange(count)] + log_price0
        close = np.where(trading, np.exp(log_price), np.nan)
        previous = np.vstack([close[:1], close[:-1]])
        open_ = np.where(np.isnan(previous), close, previous)
        high = np.maximum(open_, close) * (1 + upper_wick * volatility)
        low = np.minimum(open_, close) / (1 + lower_wick * volatility)
        age = np.maximum(day - listed[None, :], 0)
        circulating = supply0 * (1 + inflation) ** age
        total = np.where(supply_known, np.maximum(circulating, supply0 / unlocked), np.nan)
        market_cap = close * circulating
        volume = market_cap * turnover * np.exp(volume_noise + 6 * np.abs(returns))

        first, last = (start - EPOCH).days, (end - EPOCH).days + 1
        present = np.flatnonzero(trading[last - 1])
        ranked = present[np.argsort(-market_cap[last - 1, present], kind="stable")]
        chosen = ranked[:limit] if limit else ranked
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
        window = slice(first, last)
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
        arrays = {key: np.ascontiguousarray(value[window][:, chosen].T) for key, value in arrays.items()}
        return MarketData(tokens=tokens, dates=date_range(end, days), arrays=arrays)
