"""A client for CoinGecko's public API and any server that answers in its shape.

Two endpoints are used: /coins/markets (tokens ranked by market cap, 250 a page, with
the current price, the last 24 hours' high, low, change and volume, and supplies) and
/coins/{id}/market_chart?interval=daily (a daily series of prices, market caps and
volumes). The chart carries closes only, so a day's open is the previous close and its
high and low are the larger and smaller of the two.

The daily refresh (one day: the one that closed at 00:00 UTC) reads the markets list
alone: 24 requests for 6,000 tokens. Its figures, taken minutes after midnight, stand for
the day that just closed. Chart calls, one per token, are made only for longer windows
(a first load, a catch-up after missed days) and to backfill the history of tokens new
to the list (`backfill`).

Every request waits for its turn under a requests-per-minute limit, times out, and is
retried with exponential back-off on timeouts, connection errors, 5xx answers and
unreadable JSON; a 429 waits for as long as its Retry-After header asks (capped).
Other 4xx answers are not retried. A token whose chart cannot be fetched is reported
in MarketData.failed and the refresh flags it stale; if the market list itself cannot
be fetched the whole refresh fails and nothing changes.
"""

import datetime
import email.utils
import re
import time

import numpy as np
import requests

from .base import MarketData, MarketDataProvider, ProviderError, TokenInfo, date_range

USER_AGENT = "token-research-ratings/1.0"
# CoinGecko's coin ids are slugs; the id becomes the token's slug and its page's address.
COIN_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,119}")


class RateLimiter:
    """At most `per_minute` calls a minute, spaced evenly."""

    def __init__(self, per_minute, clock=time.monotonic, sleep=time.sleep):
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.clock, self.sleep = clock, sleep
        self.next_slot = None

    def wait(self):
        now = self.clock()
        if self.next_slot is not None and now < self.next_slot:
            self.sleep(self.next_slot - now)
            now = self.next_slot
        self.next_slot = now + self.interval


def retry_after_seconds(value, now=None):
    """Seconds asked for by a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or datetime.datetime.now(datetime.UTC)
    return max(0.0, (when - now).total_seconds())


class HttpClient:
    def __init__(
        self,
        base_url,
        *,
        api_key="",
        timeout=10.0,
        retries=4,
        backoff=1.0,
        max_wait=120.0,
        requests_per_minute=25,
        clock=time.monotonic,
        sleep=time.sleep,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout, self.retries, self.backoff, self.max_wait = timeout, retries, backoff, max_wait
        self.sleep = sleep
        self.limiter = RateLimiter(requests_per_minute, clock=clock, sleep=sleep)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        if api_key:
            # The demo and pro plans read the key from different headers; sending both is harmless.
            self.session.headers["x-cg-demo-api-key"] = api_key
            self.session.headers["x-cg-pro-api-key"] = api_key

    def get_json(self, path, params=None):
        url = f"{self.base_url}{path}"
        problem = "no attempt made"
        for attempt in range(self.retries + 1):
            self.limiter.wait()
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
            except requests.Timeout:
                problem = f"timed out after {self.timeout:g} s"
            except requests.RequestException as error:
                problem = f"connection failed ({type(error).__name__})"
            else:
                if response.status_code == 429:
                    asked = retry_after_seconds(response.headers.get("Retry-After"))
                    wait = min(self.max_wait, asked if asked is not None else self.backoff * 2**attempt)
                    problem = "rate limited (HTTP 429)"
                    if attempt < self.retries:
                        self.sleep(wait)
                    continue
                if 400 <= response.status_code < 500:
                    raise ProviderError(f"GET {path} answered HTTP {response.status_code}; not retried.")
                if response.status_code >= 500:
                    problem = f"HTTP {response.status_code}"
                else:
                    try:
                        return response.json()
                    except ValueError:
                        problem = "the answer was not valid JSON"
            if attempt < self.retries:
                self.sleep(self.backoff * 2**attempt)
        raise ProviderError(f"GET {path} failed after {self.retries + 1} tries: {problem}.")


def _float(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return np.nan
    return float(value)


class CoinGeckoProvider(MarketDataProvider):
    name = "coingecko"

    def __init__(
        self, base_url="https://api.coingecko.com/api/v3", *, per_page=250, client=None, **client_options
    ):
        self.client = client or HttpClient(base_url, **client_options)
        self.per_page = per_page

    def markets(self, limit, progress):
        wanted = limit or 6000
        pages = -(-wanted // self.per_page)
        entries, rejected = [], []
        for page in range(1, pages + 1):
            answer = self.client.get_json(
                "/coins/markets",
                {
                    "vs_currency": "usd",
                    "order": "market_cap_desc",
                    "per_page": self.per_page,
                    "page": page,
                    "price_change_percentage": "24h",
                },
            )
            if not isinstance(answer, list):
                raise ProviderError("/coins/markets did not answer with a list.")
            for position, entry in enumerate(answer):
                coin_id = entry.get("id") if isinstance(entry, dict) else None
                if not isinstance(coin_id, str) or not coin_id.strip():
                    rejected.append((f"markets page {page} entry {position + 1}", "no coin id"))
                    continue
                if not COIN_ID.fullmatch(coin_id.strip().lower()):
                    where = f"markets page {page} entry {position + 1}"
                    rejected.append((where, f"coin id {coin_id[:40]!r} is not a slug"))
                    continue
                entries.append(entry)
            progress("fetch", min(page * self.per_page, wanted), wanted)
            if len(answer) < self.per_page:
                break
        seen, unique = set(), []
        for entry in entries:
            if entry["id"] not in seen:
                seen.add(entry["id"])
                unique.append(entry)
        return unique[:wanted], rejected

    def fetch(self, *, end, days, limit=None, progress=None):
        progress = progress or (lambda stage, done, total: None)
        entries, rejected = self.markets(limit, progress)
        if not entries:
            raise ProviderError("/coins/markets returned no coins.")
        tokens = [
            TokenInfo(
                slug=entry["id"].strip().lower()[:120],
                name=str(entry.get("name") or entry["id"])[:120],
                symbol=str(entry.get("symbol") or "").upper()[:30],
                provider_ids={"coingecko": entry["id"]},
                max_supply=None
                if np.isnan(_float(entry.get("max_supply")))
                else _float(entry.get("max_supply")),
                all_time_high=None if np.isnan(_float(entry.get("ath"))) else _float(entry.get("ath")),
            )
            for entry in entries
        ]
        data = MarketData.empty(tokens, date_range(end, days))
        data.rejected = rejected
        today = datetime.datetime.now(datetime.UTC).date()
        if days == 1 and end >= today - datetime.timedelta(days=1):
            self._snapshot(data, entries)
        else:
            self._charts(data, entries, end, today, progress)
        return data

    def backfill(self, tokens, *, end, days, progress=None):
        """Daily history from each token's chart: one request per token."""
        progress = progress or (lambda stage, done, total: None)
        data = MarketData.empty(tokens, date_range(end, days))
        entries = [{"id": info.provider_ids.get("coingecko", info.slug)} for info in tokens]
        today = datetime.datetime.now(datetime.UTC).date()
        self._charts(data, entries, end, today, progress)
        return data

    def _snapshot(self, data, entries):
        """Today's row from /coins/markets alone: one request per 250 tokens."""
        a = data.arrays
        for row, entry in enumerate(entries):
            close = _float(entry.get("current_price"))
            change = _float(entry.get("price_change_24h"))
            a["close"][row, -1] = close
            a["open"][row, -1] = close - change if not np.isnan(change) else close
            a["high"][row, -1] = np.fmax(_float(entry.get("high_24h")), max(a["open"][row, -1], close))
            a["low"][row, -1] = np.fmin(_float(entry.get("low_24h")), min(a["open"][row, -1], close))
            a["volume"][row, -1] = _float(entry.get("total_volume"))
            a["market_cap"][row, -1] = _float(entry.get("market_cap"))
            a["circulating_supply"][row, -1] = _float(entry.get("circulating_supply"))
            a["total_supply"][row, -1] = _float(entry.get("total_supply"))

    def _charts(self, data, entries, end, today, progress):
        # One day more than asked for, so the first day's open is a real previous close.
        column_of = {day: index for index, day in enumerate(data.dates, start=1)}
        column_of[data.dates[0] - datetime.timedelta(days=1)] = 0
        span = (today - data.dates[0]).days + 2
        a = data.arrays
        close = np.full((len(entries), len(data.dates) + 1), np.nan)
        for row, entry in enumerate(entries):
            progress("fetch", row, len(entries))
            try:
                chart = self.client.get_json(
                    f"/coins/{entry['id']}/market_chart",
                    {"vs_currency": "usd", "days": span, "interval": "daily"},
                )
                series = {key: chart[key] for key in ("prices", "market_caps", "total_volumes")}
                if not all(isinstance(points, list) for points in series.values()):
                    raise ProviderError("market_chart lists are missing")
            except (ProviderError, KeyError, TypeError) as error:
                data.failed[data.tokens[row].slug] = (
                    str(error)
                    if isinstance(error, ProviderError)
                    else ("market_chart answer is missing prices, market_caps or total_volumes")
                )
                continue
            for key, values in (
                ("prices", close),
                ("market_caps", a["market_cap"]),
                ("total_volumes", a["volume"]),
            ):
                shift = 0 if key == "prices" else 1
                for point in series[key]:
                    if not (
                        isinstance(point, list) and len(point) == 2 and isinstance(point[0], int | float)
                    ):
                        continue
                    day = datetime.datetime.fromtimestamp(point[0] / 1000, datetime.UTC).date()
                    if column_of.get(day, 0) - shift >= 0 and day in column_of:
                        values[row, column_of[day] - shift] = _float(point[1])
            supply = _float(entry.get("circulating_supply"))
            total = _float(entry.get("total_supply"))
            a["circulating_supply"][row, -1] = supply
            a["total_supply"][row, -1] = total
        progress("fetch", len(entries), len(entries))
        previous, close = close[:, :-1], close[:, 1:]
        a["close"][:] = close
        a["open"][:] = np.where(np.isnan(previous), close, previous)
        a["high"][:] = np.fmax(a["open"], close)
        a["low"][:] = np.fmin(a["open"], close)
        a["high"][np.isnan(close)] = np.nan
        a["low"][np.isnan(close)] = np.nan
        a["open"][np.isnan(close)] = np.nan
