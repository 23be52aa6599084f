"""The performance and market pages, risk figures on the token page, and their API."""

import datetime

import pytest
from bs4 import BeautifulSoup

from core.tests.queries import cold_and_warm
from ratings import market
from ratings.models import RiskDay, Token
from ratings.providers.demo import DemoProvider
from ratings.refresh import refresh

END = datetime.date(2025, 9, 30)
pytestmark = pytest.mark.django_db
# Queries, cold (the first render after a refresh or a publish) and warm, for any market size.
PERFORMANCE_COLD, PERFORMANCE_WARM = 2, 0
MARKET_COLD, MARKET_WARM = 2, 0


def graded_market(tokens, days=240):
    refresh(DemoProvider(seed=5, universe=tokens + 20), end=END - datetime.timedelta(days=1), days=days,
            limit=tokens)
    refresh(DemoProvider(seed=5, universe=tokens + 20), end=END, days=1, limit=tokens)


@pytest.fixture
def graded(db):
    graded_market(150)
    return Token.objects.exclude(graded_on=None)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_performance_page_shows_returns_by_band_and_signal_with_the_spread_chart(client, graded):
    response = client.get("/ratings/performance/?horizon=7")
    assert response.status_code == 200
    page = soup(response)
    tables = page.select("table.track-record")
    assert len(tables) == 3
    assert [th.text for th in tables[0].select("tbody th")] == ["0-20", "20-40", "40-60", "60-80", "80-100"]
    assert [th.text for th in tables[2].select("tbody th")] == ["Strong Sell", "Sell", "Neutral", "Buy",
                                                                 "Strong Buy"]
    assert page.select_one("#spread-chart-title")
    assert page.select_one("svg path.line-spread-trader")["d"].startswith("M")
    text = page.get_text(" ")
    assert "Hit rate" in text and "Methodology" in text and "never recomputed" in text


@pytest.mark.parametrize(("url", "message"), [
    ("/ratings/performance/?horizon=14", "horizon must be one of 7, 30, 90"),
    ("/ratings/market/?range=abc", "range must be one of 30, 90, 365"),
])
def test_pages_refuse_unknown_periods_with_400_and_a_message(client, graded, url, message):
    response = client.get(url)
    assert response.status_code == 400
    assert message in soup(response).select_one('[role="alert"]').text


def test_pages_before_any_refresh_say_so(client, db):
    assert "No track record yet" in client.get("/ratings/performance/").content.decode()
    assert "No market overview yet" in client.get("/ratings/market/").content.decode()


def test_market_page_shows_regime_rule_breadth_heat_map_and_movers(client, graded):
    response = client.get("/ratings/market/?range=90")
    assert response.status_code == 200
    page = soup(response)
    text = page.get_text(" ")
    assert market.REGIME_RULE in text
    assert page.select_one(".regime").text.strip() in {"bull", "bear", "neutral", "not enough history"}
    cells = page.select(".heat-map rect")
    sectors = page.select("table.sector-table tbody tr")
    assert len(cells) == len(sectors) * len(market.SECTOR_PERIODS) > 0
    assert page.select_one("svg path.line-breadth-short")["d"].startswith("M")
    movers = page.select("table.movers a")
    assert movers and all(a["href"].startswith("/ratings/") for a in movers)


def test_token_page_shows_risk_figures_and_levels_on_the_price_chart(client, graded):
    risk_day = RiskDay.objects.filter(date=END, support__isnull=False, resistance__isnull=False).first()
    token = risk_day.token
    page = soup(client.get(f"/ratings/{token.slug}/"))
    table = page.select("table.risk-table tbody tr")
    rows = {tr.th.text: [td.text for td in tr.select("td")] for tr in table}
    assert rows["Volatility (a year)"][0] == f"{risk_day.volatility_30d * 100:.1f}%"
    assert rows["Maximum drawdown"][1] == f"{risk_day.max_drawdown_90d * 100:+.1f}%"
    price_chart = page.select_one("#price-chart-title").find_parent("svg")
    assert len(price_chart.select("line.level")) == 2
    assert "Support" in price_chart.select_one("desc").text


@pytest.mark.parametrize("tokens", [30, 90])
def test_pages_render_in_a_fixed_number_of_queries(client, settings, tokens):
    graded_market(tokens, days=120)
    assert cold_and_warm(client, "/ratings/performance/", settings) == (PERFORMANCE_COLD, PERFORMANCE_WARM)
    assert cold_and_warm(client, "/ratings/market/", settings) == (MARKET_COLD, MARKET_WARM)


def test_api_track_record_filters_by_horizon_and_grouping(client, graded):
    body = client.get("/api/v1/performance/?horizon=30&grouping=investor").json()
    assert body["horizons"] == [30] and list(body["groups"]) == ["investor"]
    assert list(body["benchmarks"]) == ["30"]
    assert [g["label"] for g in body["groups"]["investor"]] == ["0-20", "20-40", "40-60", "60-80", "80-100"]
    assert set(body["groups"]["investor"][0]["horizons"]) == {"30"}
    full = client.get("/api/v1/performance/").json()
    assert full["horizons"] == [7, 30, 90] and set(full["groups"]) == {"trader", "investor", "signal"}
    assert full["date"] == END.isoformat()


@pytest.mark.parametrize(("url", "message"), [
    ("/api/v1/performance/?horizon=14", 'horizon: "14" is not a valid choice.'),
    ("/api/v1/performance/?grouping=sector", 'grouping: "sector" is not a valid choice.'),
    ("/api/v1/market/?days=366", "days: Ensure this value is less than or equal to 365."),
    ("/api/v1/market/?days=two", "days: A valid integer is required."),
    ("/api/v1/tokens/{slug}/risk/?date_from=2025-13-01", "date_from: Enter a valid date as YYYY-MM-DD."),
    ("/api/v1/tokens/{slug}/risk/?date_to=30.09.2025", "date_to: Enter a valid date as YYYY-MM-DD."),
])
def test_api_refuses_bad_parameters_with_400(client, graded, url, message):
    response = client.get(url.format(slug=graded.first().slug))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and message in error["message"]


def test_a_range_that_ends_before_it_starts_matches_no_day(client, graded):
    # The schema allows it (it cannot bound one parameter by another), so it is answered.
    url = f"/api/v1/tokens/{graded.first().slug}/risk/"
    assert client.get(url).json()["results"]
    response = client.get(url, {"date_from": "2025-09-30", "date_to": "2025-09-01"})
    assert response.status_code == 200 and response.json()["results"] == []


def test_api_answers_404_for_unknown_tokens_and_before_the_first_refresh(client, db):
    assert client.get("/api/v1/tokens/no-such-token/risk/").status_code == 404
    for url in ("/api/v1/performance/", "/api/v1/market/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Nothing computed yet" in response.json()["error"]["message"]


def test_api_risk_days_newest_first_with_cursor_pages(client, graded):
    token = graded.first()
    first = client.get(f"/api/v1/tokens/{token.slug}/risk/?page_size=1").json()
    assert [row["date"] for row in first["results"]] == [END.isoformat()]
    second = client.get(first["next"]).json()
    assert [row["date"] for row in second["results"]] == [(END - datetime.timedelta(days=1)).isoformat()]
    stored = RiskDay.objects.get(token=token, date=END)
    assert first["results"][0]["sharpe_90d"] == pytest.approx(stored.sharpe_90d)
    only = client.get(f"/api/v1/tokens/{token.slug}/risk/?date_to={END - datetime.timedelta(days=1)}").json()
    assert len(only["results"]) == 1


def test_api_market_overview_trims_its_series(client, graded):
    body = client.get("/api/v1/market/?days=30").json()
    assert len(body["series"]["dates"]) == 30 and body["series"]["dates"][-1] == END.isoformat()
    assert body["regime_rule"] == market.REGIME_RULE
    assert body["latest"]["total_market_cap"] > 0
    assert {"24h", "7d"} == set(body["movers"])
