import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np
from django.utils.text import slugify

from core.safe_text import one_line

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


# Longest text stored per field (the model's column widths).
NAME_LENGTH, SYMBOL_LENGTH, CHAIN_LENGTH, SECTOR_LENGTH = 120, 30, 60, 60


def sector_slug(name):
    """A sector's web address part: ASCII letters, digits and dashes; "" when the name has
    none ("ИИ", "🚀"), and such a name cannot be stored."""
    return slugify(name)[:SECTOR_LENGTH].strip("-")


def clean_info(info):
    """Make a provider's text safe to store and to show anywhere, an email subject included:
    control and format characters out (CR, LF and TAB become spaces), trimmed, capped to
    the column. A name left empty falls back to the slug."""
    info.name = one_line(info.name, NAME_LENGTH) or info.slug
    info.symbol = one_line(info.symbol, SYMBOL_LENGTH)
    info.chain = one_line(info.chain, CHAIN_LENGTH)
    sectors = (one_line(name, SECTOR_LENGTH) for name in info.sectors)
    info.sectors = tuple(dict.fromkeys(name for name in sectors if name))
    return info


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

    def backfill(self, tokens, *, end, days, progress=None) -> MarketData | None:
        """History for `tokens` (TokenInfo from this provider's fetch) that have none stored:
        `days` days ending on `end`, or None if the provider has no cheaper way than its
        fetch. A short daily refresh asks for it for tokens new to the list."""
        return None
