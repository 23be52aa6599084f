import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np

MARKET_FIELDS = ("open", "high", "low", "close", "volume", "market_cap", "circulating_supply", "total_supply")


class ProviderError(Exception):
    """The provider could not deliver data at all (as opposed to a few bad rows)."""


@dataclass
class TokenInfo:
    slug: str
    name: str
    symbol: str
    chain: str = ""
    sectors: tuple = ()
    provider_ids: dict = field(default_factory=dict)
    launched_on: datetime.date | None = None
    circulating_supply: float | None = None
    total_supply: float | None = None
    max_supply: float | None = None
    all_time_high: float | None = None


@dataclass
class MarketData:
    """What a provider returns: tokens, consecutive days, and one (tokens, days) float
    matrix per market field with NaN wherever it has no figure."""

    tokens: list
    dates: list
    arrays: dict
    # slug -> why that token's data could not be fetched (its rows are all NaN).
    failed: dict = field(default_factory=dict)
    # Rows the provider could not even read, as (where, why), e.g. ("line 12", "close is 'abc'").
    rejected: list = field(default_factory=list)

    @classmethod
    def empty(cls, tokens, dates):
        shape = (len(tokens), len(dates))
        return cls(
            tokens=list(tokens), dates=list(dates), arrays={f: np.full(shape, np.nan) for f in MARKET_FIELDS}
        )

    def __getitem__(self, field_name):
        return self.arrays[field_name]


def date_range(end, days):
    return [end - datetime.timedelta(days=offset) for offset in range(days - 1, -1, -1)]


class MarketDataProvider(ABC):
    """A source of daily market data. Subclasses take their configuration as keyword
    arguments (from RATINGS_PROVIDER_OPTIONS or the command line)."""

    name = ""

    @abstractmethod
    def fetch(self, *, end: datetime.date, days: int, limit: int | None = None, progress=None) -> MarketData:
        """Daily data for the `days` days ending on `end`, for at most `limit` tokens
        (largest first where the source ranks them). Raise ProviderError when nothing
        usable can be fetched; report per-token failures in MarketData.failed.
        `progress(stage, done, total)`, when given, is called as work advances."""
