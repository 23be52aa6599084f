"""Market data from a CSV file: one row per token and day, with a header row.

Columns (names as in the header, any order; UTF-8, comma-separated):

    token_id            required  the token's id and slug, e.g. "bitcoin" (lower case, digits, dashes)
    symbol              required  ticker, e.g. "BTC" (not unique)
    name                required  display name
    date                required  YYYY-MM-DD (UTC day of the candle)
    open, high, low     optional  USD prices; missing ones default to the close
    close               required  USD price at the end of the day
    volume              required  USD volume traded that day
    market_cap          optional  USD
    circulating_supply  optional  units of the token
    total_supply        optional  units of the token
    max_supply          optional  units of the token (the last row's value is kept)
    chain               optional  e.g. "Ethereum"
    sectors             optional  category tags separated by ";", e.g. "DeFi;AI"

Empty optional cells mean "unknown". A row that cannot be read (a missing required
value, text where a number belongs, a bad date) is skipped and reported with its line
number; the refresh then checks the remaining rows like any other provider's. So is a
row whose sector name has no ASCII letter or digit to build its address from ("ИИ"), or
that would share its address with another spelling earlier in the file ("DEFI" after
"DeFi": both /ratings/top/defi/). Text cells lose control characters (a line break in a
name becomes a space).
"""

import csv
import datetime
import re
from pathlib import Path

import numpy as np

from core.safe_text import one_line

from .base import (
    MARKET_FIELDS,
    SECTOR_LENGTH,
    MarketData,
    MarketDataProvider,
    ProviderError,
    TokenInfo,
    date_range,
    sector_slug,
)

REQUIRED = ("token_id", "symbol", "name", "date", "close", "volume")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")


def _number(row, column, required=False):
    text = (row.get(column) or "").strip()
    if not text:
        if required:
            raise ValueError(f"{column} is empty")
        return np.nan
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{column} is {text[:30]!r}, not a number") from None


def _sectors(cell, line, seen):
    """The row's sector names; a ValueError names the sector that cannot be stored. `seen`
    maps each slug to the first name given it in the file and that name's line."""
    names = []
    for raw in (cell or "").split(";"):
        name = one_line(raw, SECTOR_LENGTH)
        if not name:
            continue
        slug = sector_slug(name)
        if not slug:
            raise ValueError(
                f"sector {name!r} has no ASCII letter or digit to build its web address from; "
                "add a Latin spelling"
            )
        first, first_line = seen.setdefault(slug, (name, line))
        if first != name:
            raise ValueError(
                f"sector {name!r} and {first!r} (line {first_line}) would share the address "
                f"/ratings/top/{slug}/; spell them the same"
            )
        names.append(name)
    return tuple(dict.fromkeys(names))


class CsvProvider(MarketDataProvider):
    name = "csv"

    def __init__(self, path=""):
        self.path = Path(path) if path else None

    def fetch(self, *, end, days, limit=None, progress=None):
        if self.path is None:
            raise ProviderError("The CSV provider needs a file: pass --csv PATH or set RATINGS_CSV_PATH.")
        dates = date_range(end, days)
        column_of = {day: index for index, day in enumerate(dates)}
        tokens, rows_of, cells, rejected = [], {}, [], []
        sector_names = {}  # slug -> (the first name seen with it, its line)
        try:
            with self.path.open(newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
                if missing:
                    raise ProviderError(f"{self.path.name} lacks the column(s) {', '.join(missing)}.")
                for row in reader:
                    line = f"line {reader.line_num}"
                    try:
                        slug = (row["token_id"] or "").strip()
                        if not SLUG.match(slug):
                            raise ValueError(
                                f"token_id {slug[:40]!r} is not lower-case letters, digits and dashes"
                            )
                        day = datetime.date.fromisoformat((row["date"] or "").strip())
                        close = _number(row, "close", required=True)
                        values = {
                            "close": close,
                            "volume": _number(row, "volume", required=True),
                            **{
                                c: _number(row, c)
                                for c in ("market_cap", "circulating_supply", "total_supply")
                            },
                            **{c: _number(row, c) for c in ("open", "high", "low")},
                        }
                        max_supply = _number(row, "max_supply")
                        sectors = _sectors(row.get("sectors"), reader.line_num, sector_names)
                    except (ValueError, TypeError) as error:
                        rejected.append((line, str(error)))
                        continue
                    if day not in column_of:
                        continue
                    for price in ("open", "high", "low"):
                        if np.isnan(values[price]):
                            values[price] = close
                    if slug not in rows_of:
                        rows_of[slug] = len(tokens)
                        tokens.append(TokenInfo(slug=slug, name="", symbol=""))
                    info = tokens[rows_of[slug]]
                    info.name = (row["name"] or "").strip()[:120] or slug
                    info.symbol = (row["symbol"] or "").strip().upper()[:30] or slug[:10].upper()
                    info.chain = (row.get("chain") or "").strip()[:60]
                    info.sectors = sectors
                    info.provider_ids = {"csv": slug}
                    if not np.isnan(max_supply):
                        info.max_supply = max_supply
                    cells.append((rows_of[slug], column_of[day], values))
        except OSError as error:
            raise ProviderError(f"Cannot read {self.path}: {error.strerror or error}.") from None
        except (UnicodeDecodeError, csv.Error) as error:
            raise ProviderError(f"{self.path.name} is not a readable UTF-8 CSV file ({error}).") from None

        data = MarketData.empty(tokens, dates)
        data.rejected = rejected
        if cells:
            rows = np.array([c[0] for c in cells])
            columns = np.array([c[1] for c in cells])
            for name in MARKET_FIELDS:
                data.arrays[name][rows, columns] = [c[2][name] for c in cells]
        if limit and len(tokens) > limit:
            # Largest by the latest market cap first, as the other providers rank.
            latest = data.arrays["market_cap"][:, -1]
            order = np.argsort(-np.nan_to_num(latest, nan=-1.0), kind="stable")[:limit]
            data.tokens = [tokens[i] for i in order]
            data.arrays = {name: values[order] for name, values in data.arrays.items()}
        return data
