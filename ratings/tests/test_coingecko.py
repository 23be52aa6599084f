"""The CoinGecko client against a local server that answers in CoinGecko's shape."""

import datetime
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from ratings.providers import ProviderError
from ratings.providers.coingecko import CoinGeckoProvider, HttpClient, RateLimiter, retry_after_seconds

TODAY = datetime.datetime.now(datetime.UTC).date()


def day_ms(day):
    return int(datetime.datetime.combine(day, datetime.time(), datetime.UTC).timestamp() * 1000)


def market_entry(coin_id, price, **extra):
    if price is None:
        return {"id": coin_id, "symbol": coin_id[:3], "name": coin_id.title(), "current_price": None, **extra}
    return {
        "id": coin_id,
        "symbol": coin_id[:3],
        "name": coin_id.title(),
        "current_price": price,
        "price_change_24h": price * 0.1,
        "high_24h": price * 1.2,
        "low_24h": price * 0.8,
        "market_cap": price * 1e6,
        "total_volume": price * 1e5,
        "circulating_supply": 1e6,
        "total_supply": 2e6,
        "max_supply": None,
        "ath": price * 3,
        **extra,
    }


def chart(days, start_price):
    points = [(day_ms(TODAY - datetime.timedelta(days=d)), start_price + d) for d in range(days, -1, -1)]
    return {
        "prices": [[t, p] for t, p in points],
        "market_caps": [[t, p * 1e6] for t, p in points],
        "total_volumes": [[t, p * 1e4] for t, p in points],
    }


class Script:
    """Answers per path: a list of (status, headers, body) used in turn, the last one repeated."""

    def __init__(self):
        self.answers, self.requests, self.delay = {}, [], {}

    def on(self, path, *answers):
        self.answers[path] = list(answers)

    def next(self, path):
        queue = self.answers.get(path) or [(404, {}, '{"error":"coin not found"}')]
        return queue.pop(0) if len(queue) > 1 else queue[0]


@pytest.fixture
def server():
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlsplit(self.path)
            script.requests.append((url.path, parse_qs(url.query), dict(self.headers)))
            if url.path in script.delay:
                time.sleep(script.delay[url.path])
            status, headers, body = script.next(url.path)
            payload = body if isinstance(body, str) else json.dumps(body)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload.encode())

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    script.url = f"http://127.0.0.1:{httpd.server_address[1]}/api/v3"
    yield script
    httpd.shutdown()
    httpd.server_close()


class FakeTime:
    """A clock that sleeping moves forward, so back-off and rate limits cost no real time."""

    def __init__(self):
        self.now, self.sleeps = 1000.0, []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def provider(server, fake, **options):
    defaults = {"timeout": 2.0, "retries": 3, "backoff": 1.0, "requests_per_minute": 0}
    client = HttpClient(server.url, clock=fake.clock, sleep=fake.sleep, **{**defaults, **options})
    return CoinGeckoProvider(client=client, per_page=2)


def test_history_comes_from_daily_charts_ranked_by_market_cap(server):
    server.on("/api/v3/coins/markets", (200, {}, [market_entry("alpha", 10), market_entry("beta", 5)]))
    server.on("/api/v3/coins/alpha/market_chart", (200, {}, chart(5, 10)))
    server.on("/api/v3/coins/beta/market_chart", (200, {}, chart(5, 5)))
    data = provider(server, FakeTime()).fetch(end=TODAY, days=3, limit=2)

    assert [t.slug for t in data.tokens] == ["alpha", "beta"]
    assert data.tokens[0].all_time_high == 30
    assert data["close"][0].tolist() == [12, 11, 10]
    assert data["open"][0].tolist() == [13, 12, 11]  # the previous close
    assert data["volume"][1].tolist() == [7e4, 6e4, 5e4]
    assert data["circulating_supply"][0, -1] == 1e6
    path, query, _ = server.requests[1]
    assert path == "/api/v3/coins/alpha/market_chart"
    assert query == {"vs_currency": ["usd"], "days": ["4"], "interval": ["daily"]}


def test_one_day_refresh_uses_the_market_list_only(server):
    server.on("/api/v3/coins/markets", (200, {}, [market_entry("alpha", 10)]))
    data = provider(server, FakeTime()).fetch(end=TODAY, days=1, limit=1)
    assert [r[0] for r in server.requests] == ["/api/v3/coins/markets"]
    assert (data["close"][0, 0], data["open"][0, 0], data["high"][0, 0], data["low"][0, 0]) == (10, 9, 12, 8)


def test_pages_through_the_market_list_and_sends_the_api_key(server):
    server.on(
        "/api/v3/coins/markets",
        (200, {}, [market_entry("a", 3), market_entry("b", 2)]),
        (200, {}, [market_entry("c", 1)]),
    )
    client = HttpClient(server.url, api_key="secret-key", requests_per_minute=0)
    entries, _ = CoinGeckoProvider(client=client, per_page=2).markets(5, lambda *a: None)
    assert [e["id"] for e in entries] == ["a", "b", "c"]
    assert [q["page"] for _, q, _ in server.requests] == [["1"], ["2"]]
    assert server.requests[0][2]["x-cg-demo-api-key"] == "secret-key"


def test_429_waits_as_long_as_retry_after_asks_then_succeeds(server):
    server.on(
        "/api/v3/coins/markets",
        (429, {"Retry-After": "7"}, {"status": {"error_code": 429}}),
        (200, {}, [market_entry("alpha", 1)]),
    )
    fake = FakeTime()
    data = provider(server, fake).fetch(end=TODAY, days=1, limit=1)
    assert fake.sleeps == [7.0]
    assert data["close"][0, 0] == 1


def test_server_errors_and_malformed_json_are_retried_with_growing_back_off(server):
    server.on(
        "/api/v3/coins/markets",
        (500, {}, "oops"),
        (200, {}, "[{not json"),
        (502, {}, "bad gateway"),
        (200, {}, [market_entry("alpha", 1)]),
    )
    fake = FakeTime()
    provider(server, fake).fetch(end=TODAY, days=1, limit=1)
    assert fake.sleeps == [1.0, 2.0, 4.0]


def test_giving_up_raises_a_clear_error(server):
    server.on("/api/v3/coins/markets", (503, {}, "down"))
    with pytest.raises(ProviderError, match=r"failed after 4 tries: HTTP 503"):
        provider(server, FakeTime()).fetch(end=TODAY, days=1, limit=1)


def test_a_timeout_is_retried_and_reported(server):
    server.on("/api/v3/coins/markets", (200, {}, []))
    server.delay["/api/v3/coins/markets"] = 0.5
    with pytest.raises(ProviderError, match="timed out after 0.1 s"):
        provider(server, FakeTime(), timeout=0.1, retries=1).fetch(end=TODAY, days=1, limit=1)


def test_one_failing_chart_marks_that_token_failed_and_keeps_the_rest(server):
    server.on("/api/v3/coins/markets", (200, {}, [market_entry("alpha", 10), market_entry("beta", 5)]))
    server.on("/api/v3/coins/alpha/market_chart", (500, {}, "no"))
    server.on("/api/v3/coins/beta/market_chart", (200, {}, chart(3, 5)))
    data = provider(server, FakeTime(), retries=1).fetch(end=TODAY, days=2, limit=2)
    assert "HTTP 500" in data.failed["alpha"]
    assert np.isnan(data["close"][0]).all()
    assert data["close"][1].tolist() == [6, 5]


def test_missing_fields_and_nulls_become_gaps_not_crashes(server):
    broken_chart = {
        "prices": [[day_ms(TODAY), None], "junk", [day_ms(TODAY - datetime.timedelta(days=1)), 4]]
    }
    server.on(
        "/api/v3/coins/markets",
        (
            200,
            {},
            [
                {"symbol": "nid", "name": "No id"},
                market_entry("alpha", None, market_cap=None, total_supply=None),
                market_entry("beta", 5),
                "not an object",
            ],
        ),
        (200, {}, []),
    )
    server.on(
        "/api/v3/coins/alpha/market_chart", (200, {}, {**chart(2, 1), "prices": [[day_ms(TODAY), None]]})
    )
    server.on("/api/v3/coins/beta/market_chart", (200, {}, broken_chart))
    data = provider(server, FakeTime()).fetch(end=TODAY, days=2, limit=4)
    assert [t.slug for t in data.tokens] == ["alpha", "beta"]
    assert len(data.rejected) == 2
    assert np.isnan(data["close"][0]).all()
    assert "beta" in data.failed  # its chart lacks the market_caps and total_volumes lists

    server.on("/api/v3/coins/markets", (200, {}, [market_entry("alpha", None, total_supply=None)]))
    snapshot = provider(server, FakeTime()).fetch(end=TODAY, days=1, limit=1)
    assert np.isnan(snapshot["close"][0, 0]) and np.isnan(snapshot["total_supply"][0, 0])


def test_a_404_is_not_retried(server):
    server.on("/api/v3/coins/markets", (404, {}, {"error": "not found"}))
    fake = FakeTime()
    with pytest.raises(ProviderError, match="HTTP 404; not retried"):
        provider(server, fake).fetch(end=TODAY, days=1, limit=1)
    assert fake.sleeps == [] and len(server.requests) == 1


def test_rate_limiter_spaces_requests_evenly():
    fake = FakeTime()
    limiter = RateLimiter(120, clock=fake.clock, sleep=fake.sleep)
    for _ in range(4):
        limiter.wait()
    assert fake.sleeps == [0.5, 0.5, 0.5]


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime.datetime(2025, 1, 1, 12, 0, tzinfo=datetime.UTC)
    assert retry_after_seconds("30") == 30
    assert retry_after_seconds("Wed, 01 Jan 2025 12:00:45 GMT", now=now) == 45
    assert retry_after_seconds("soon") is None


@pytest.mark.django_db
def test_refresh_through_the_client_flags_the_token_whose_chart_failed(server):
    from ratings.models import GradeDay, Token
    from ratings.refresh import refresh

    entries = [market_entry(name, 10 + i) for i, name in enumerate(["alpha", "beta", "gamma"])]
    server.on("/api/v3/coins/markets", (200, {}, entries))
    for name in ("alpha", "beta"):
        server.on(f"/api/v3/coins/{name}/market_chart", (200, {}, chart(40, 5)))
    server.on("/api/v3/coins/gamma/market_chart", (429, {"Retry-After": "1"}, {}))
    result = refresh(provider(server, FakeTime(), retries=2), end=TODAY, days=30, limit=3)
    assert (result.tokens_graded, result.tokens_stale) == (2, 1)
    assert Token.objects.get(slug="gamma").is_stale
    assert GradeDay.objects.filter(date=TODAY).count() == 2
    assert "gamma: GET /coins/gamma/market_chart failed after 3 tries: rate limited" in result.run.message


YESTERDAY = TODAY - datetime.timedelta(days=1)


def seed_history(slugs, days=30):
    """`days` days of stored market data and grades, ending the day before YESTERDAY."""
    from ratings.refresh import refresh

    from .helpers import FixedProvider, series_data

    closes = np.linspace(10, 12, days) * np.arange(1, len(slugs) + 1)[:, None]
    end = YESTERDAY - datetime.timedelta(days=1)
    refresh(FixedProvider(series_data(end, closes, slugs=slugs)), end=end, days=days)


def requests_to(server, kind):
    return [path for path, _, _ in server.requests if path.endswith(kind)]


@pytest.mark.django_db
def test_a_daily_refresh_of_n_tokens_makes_one_markets_call_per_250_and_no_chart_calls(server):
    from ratings.models import GradeDay
    from ratings.refresh import refresh

    count = 600
    slugs = [f"coin-{n:03d}" for n in range(count)]
    seed_history(slugs)
    entries = [market_entry(slug, 1000.0 - n) for n, slug in enumerate(slugs)]
    server.on("/api/v3/coins/markets", *[(200, {}, entries[i : i + 250]) for i in range(0, count, 250)])
    client = HttpClient(server.url, requests_per_minute=0)
    server.requests.clear()

    result = refresh(CoinGeckoProvider(client=client), end=YESTERDAY, days=1, limit=count)

    assert len(requests_to(server, "/coins/markets")) == -(-count // 250) == 3
    assert [q["per_page"] for _, q, _ in server.requests] == [["250"]] * 3
    assert requests_to(server, "/market_chart") == []
    assert result.tokens_graded == count
    assert GradeDay.objects.filter(date=YESTERDAY).count() == count


@pytest.mark.django_db
def test_a_token_new_to_the_list_is_backfilled_from_its_chart_alone(server, settings):
    from ratings.models import GradeDay, MarketDay
    from ratings.refresh import refresh

    settings.RATINGS_BACKFILL_DAYS = 60
    seed_history(["alpha", "beta", "gamma"])
    entries = [market_entry(slug, 10 + n) for n, slug in enumerate(["alpha", "beta", "gamma", "newcoin"])]
    server.on("/api/v3/coins/markets", (200, {}, entries))
    server.on("/api/v3/coins/newcoin/market_chart", (200, {}, chart(70, 5)))
    client = HttpClient(server.url, requests_per_minute=0)
    server.requests.clear()

    result = refresh(CoinGeckoProvider(client=client), end=YESTERDAY, days=1, limit=4)

    assert requests_to(server, "/market_chart") == ["/api/v3/coins/newcoin/market_chart"]
    assert len(requests_to(server, "/coins/markets")) == 1
    history = MarketDay.objects.filter(token__slug="newcoin", date__lt=YESTERDAY)
    assert history.count() == 59  # the backfill: every day before the refreshed one
    assert result.tokens_graded == 4
    assert GradeDay.objects.filter(token__slug="newcoin", date=YESTERDAY).exists()


@pytest.mark.django_db
def test_provider_text_is_cleaned_before_it_is_stored(server):
    from ratings.models import Token
    from ratings.refresh import refresh

    entries = [market_entry("evil", 10, name="Evil\r\nBcc: x@y\u200b", symbol="ev\til\x07")]
    server.on("/api/v3/coins/markets", (200, {}, entries))
    server.on("/api/v3/coins/evil/market_chart", (200, {}, chart(40, 5)))
    refresh(provider(server, FakeTime()), end=YESTERDAY, days=30, limit=1)
    token = Token.objects.get(slug="evil")
    assert (token.name, token.symbol) == ("Evil Bcc: x@y", "EV IL")
