"""Small providers for tests: fixed arrays, or another provider with some damage done."""

import datetime
import sys
import time

import numpy as np

from ratings.providers import MarketData, MarketDataProvider, ProviderError, TokenInfo
from ratings.providers.base import date_range


def series_data(end, closes, *, slugs=None, volume=1e7, supply=1e8):
    """MarketData for tokens whose closes are the rows of `closes` (days end on `end`)."""
    closes = np.asarray(closes, dtype=float)
    count, days = closes.shape
    slugs = slugs or [f"token-{i}" for i in range(count)]
    previous = np.concatenate([closes[:, :1], closes[:, :-1]], axis=1)
    arrays = {
        "open": previous,
        "high": np.maximum(previous, closes) * 1.01,
        "low": np.minimum(previous, closes) * 0.99,
        "close": closes,
        "volume": np.full(closes.shape, float(volume)),
        "market_cap": closes * supply,
        "circulating_supply": np.full(closes.shape, float(supply)),
        "total_supply": np.full(closes.shape, supply * 2.0),
    }
    tokens = [
        TokenInfo(slug=slug, name=slug.title(), symbol=slug[:3].upper(), sectors=("DeFi",)) for slug in slugs
    ]
    return MarketData(tokens=tokens, dates=date_range(end, days), arrays=arrays)


class FixedProvider(MarketDataProvider):
    name = "fixed"

    def __init__(self, data):
        self.data = data

    def fetch(self, *, end, days, limit=None, progress=None):
        keep = [
            i for i, day in enumerate(self.data.dates) if end - datetime.timedelta(days=days) < day <= end
        ]
        arrays = {name: values[:, keep].copy() for name, values in self.data.arrays.items()}
        return MarketData(
            tokens=list(self.data.tokens), dates=[self.data.dates[i] for i in keep], arrays=arrays
        )


class DamagedProvider(MarketDataProvider):
    """Wraps a provider and breaks the last day of the chosen tokens."""

    name = "damaged"

    def __init__(self, inner, *, broken_rows=(), failed_rows=(), error=None):
        self.inner, self.broken_rows, self.failed_rows, self.error = inner, broken_rows, failed_rows, error

    def fetch(self, *, end, days, limit=None, progress=None):
        if self.error:
            raise ProviderError(self.error)
        data = self.inner.fetch(end=end, days=days, limit=limit)
        for row in self.broken_rows:
            data.arrays["close"][row, -1] = -1.0  # a negative price: invalid
        for row in self.failed_rows:
            for values in data.arrays.values():
                values[row, :] = np.nan
            data.failed[data.tokens[row].slug] = "HTTP 500 after 3 tries"
        return data


class SlowProvider(MarketDataProvider):
    """Another provider that takes `seconds` to answer, as a long CoinGecko run does."""

    name = "slow"

    def __init__(self, inner, seconds):
        self.inner, self.seconds = inner, seconds

    def fetch(self, *, end, days, limit=None, progress=None):
        time.sleep(self.seconds)
        return self.inner.fetch(end=end, days=days, limit=limit)


class StallingProvider(MarketDataProvider):
    """Says "fetching" on stdout once its refresh holds the lock, then hangs."""

    name = "stalling"

    def fetch(self, *, end, days, limit=None, progress=None):
        sys.stdout.write("fetching\n")
        sys.stdout.flush()
        time.sleep(600)
        raise ProviderError("stalled")
