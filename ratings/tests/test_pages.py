import datetime

import pytest
from bs4 import BeautifulSoup

from core.tests.queries import cold_and_warm
from ratings.models import Sector, Token
from ratings.providers.demo import DemoProvider
from ratings.refresh import refresh

END = datetime.date(2025, 9, 30)
pytestmark = pytest.mark.django_db
# Queries of the table and of a token page: cold (the first render after a refresh or a
# publish) and warm (the next render, its parts stored); the same for any page size.
TABLE_COLD, TABLE_WARM = 5, 0
TOKEN_COLD, TOKEN_WARM = 7, 0


@pytest.fixture
def graded(db):
    refresh(DemoProvider(seed=5, universe=200), end=END, days=120, limit=120)
    return Token.objects.exclude(graded_on=None)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def table_names(response, column=1):
    return [a.text for a in soup(response).select(f".ratings-table tbody td:nth-of-type({column}) a")]


def test_table_lists_tokens_sorted_by_market_cap_with_their_grades(client, graded, settings):
    settings.RATINGS_PER_PAGE = 20
    response = client.get("/ratings/")
    assert response.status_code == 200
    expected = list(Token.objects.order_by("-market_cap").values_list("name", flat=True)[:20])
    assert table_names(response) == expected
    first = Token.objects.order_by("-market_cap").first()
    row = soup(response).select_one(".ratings-table tbody tr")
    assert f"{first.trader_grade:.1f}" in row.text and first.get_signal_display() in row.text
    assert "Page 1 of 6" in response.content.decode()


@pytest.mark.parametrize("sort", ["-investor", "investor", "-trader", "-change_24h", "name"])
def test_table_sorts_by_grade_change_or_name(client, graded, sort):
    field = {
        "investor": "investor_grade",
        "trader": "trader_grade",
        "change_24h": "price_change_24h",
        "name": "name",
    }
    key = field[sort.lstrip("-")]
    names = table_names(client.get(f"/ratings/?sort={sort}"))
    values = {t.name: getattr(t, key) for t in Token.objects.all()}
    shown = [values[name] for name in names if values[name] is not None]
    assert shown == sorted(shown, reverse=sort.startswith("-"))


def test_table_filters_by_category_grade_range_and_search(client, graded):
    sector = Sector.objects.get(slug="depin")
    names = table_names(client.get("/ratings/?category=depin&min_investor=40&max_investor=70&sort=-investor"))
    expected = Token.objects.filter(sectors=sector, investor_grade__gte=40, investor_grade__lte=70)
    assert sorted(names) == sorted(expected.values_list("name", flat=True))[: len(names)] or names
    assert set(names) == set(expected.values_list("name", flat=True)[:50])

    token = graded.order_by("pk").first()
    assert token.name in table_names(client.get(f"/ratings/?q={token.symbol.lower()}"))
    assert table_names(client.get(f"/ratings/?q={token.name[1:6]}"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("min_trader=150", "Ensure this value is less than or equal to 100"),
        ("max_investor=abc", "Enter a number"),
        ("category=nowhere", "Select a valid choice"),
    ],
)
def test_bad_filters_answer_400_with_a_message(client, graded, query, message):
    response = client.get(f"/ratings/?{query}")
    assert response.status_code == 400
    assert message in soup(response).select_one("[role=alert]").text


def test_bad_page_numbers_are_404(client, graded):
    assert client.get("/ratings/?page=999").status_code == 404
    assert client.get("/ratings/?page=x").status_code == 404


def test_table_needs_few_queries_whatever_the_page_size(
    client, graded, settings, django_assert_max_num_queries
):
    client.get("/ratings/")  # the first request of all stores the site's SEO settings
    for per_page in (5, 100):
        settings.RATINGS_PER_PAGE = per_page
        with django_assert_max_num_queries(10):
            assert client.get("/ratings/?category=defi&sort=-trader").status_code == 200


def test_token_page_shows_grades_components_and_accessible_charts(
    client, graded, django_assert_max_num_queries
):
    token = graded.order_by("-market_cap").first()
    client.get("/ratings/")  # the first request of all stores the site's SEO settings
    with django_assert_max_num_queries(10):
        response = client.get(f"/ratings/{token.slug}/?range=30")
    page = soup(response)
    assert page.h1.text.startswith(token.name)
    assert f"{token.trader_grade:.1f}" in page.select_one(".grade-card").text
    assert "Momentum" in page.text and "Drawdown from all-time high" in page.text
    charts = page.select("figure.chart svg[role=img]")
    assert len(charts) == 2
    grade_chart = charts[0]
    assert grade_chart.title.text == f"{token.name} grades, last 30 days"
    assert "Trader Grade went from" in grade_chart.desc.text
    assert grade_chart["aria-labelledby"] == "grade-chart-title grade-chart-desc"
    assert len(grade_chart.select("path")) == 2
    assert page.select_one(".range-links [aria-current]").text == "30 days"


def test_token_page_rejects_unknown_ranges_and_tokens(client, graded):
    token = graded.first()
    assert client.get(f"/ratings/{token.slug}/?range=7").status_code == 404
    assert client.get("/ratings/no-such-token/").status_code == 404


def test_stale_token_says_so(client, graded):
    token = graded.first()
    Token.objects.filter(pk=token.pk).update(is_stale=True, stale_since=END)
    assert "No fresh market data since" in client.get(f"/ratings/{token.slug}/").content.decode()


def test_methodology_renders_the_weights_the_code_uses(client):
    from ratings import grading

    page = soup(client.get("/ratings/methodology/"))
    rows = {row.th.text: row.select("td")[0].text for row in page.select("tbody tr") if row.th}
    for component in grading.COMPONENTS:
        assert rows[component.name] == f"{component.weight * 100:.0f}%"
    assert f"above {grading.DRAWDOWN_CAP_GRADE:.0f}" in page.text


def test_top_ten_by_category(client, graded):
    response = client.get("/ratings/top/defi/")
    names = table_names(response, column=2)
    expected = Token.objects.filter(sectors__slug="defi", investor_grade__isnull=False).order_by(
        "-investor_grade", "-market_cap", "pk"
    )[:10]
    assert names == [t.name for t in expected]
    assert "Top 10 DeFi tokens by Investor Grade" in soup(response).h1.text
    by_trader = table_names(client.get("/ratings/top/defi/?by=trader"), column=2)
    assert by_trader[0] == Token.objects.filter(sectors__slug="defi").order_by("-trader_grade").first().name
    assert client.get("/ratings/top/defi/?by=hype").status_code == 404
    assert "Top 10 DeFi tokens" in client.get("/ratings/top/").content.decode()


def test_article_embeds_a_live_top_tokens_table(client, blog_index, graded):
    from blog.tests.factories import ArticlePageFactory, body, paragraph

    sector = Sector.objects.get(slug="defi")
    value = {"heading": "Best DeFi tokens today", "sector": sector.pk, "grade": "trader", "count": 5}
    article = ArticlePageFactory(parent=blog_index, body=body(paragraph(), ("top_tokens", value)))
    block = soup(client.get(article.url)).select_one(".top-tokens-block")
    assert block.h2.text == "Best DeFi tokens today"
    expected = Token.objects.filter(sectors=sector).order_by("-trader_grade", "-market_cap", "pk")[:5]
    assert [a.text for a in block.select("tbody td:nth-of-type(2) a")] == [t.name for t in expected]

    # A refresh changes the grades; the article shows the new order without being republished.
    leader = Token.objects.filter(sectors=sector).order_by("trader_grade").first()
    refresh(DemoProvider(seed=5, universe=200), end=END + datetime.timedelta(days=1), days=1, limit=120)
    Token.objects.filter(pk=leader.pk).update(trader_grade=100)
    block = soup(client.get(article.url)).select_one(".top-tokens-block")
    assert block.select_one("tbody td:nth-of-type(2) a").text == leader.name


@pytest.mark.parametrize("odd_slug", ["", "ии", "de fi"])
def test_a_sector_stored_with_an_odd_slug_never_breaks_a_page(client, blog_index, graded, odd_slug):
    """Slugs stored before imports refused such names: every page lists the sector without a link."""
    from blog.tests.factories import ArticlePageFactory, body, paragraph

    odd = Sector.objects.create(name="ИИ токены", slug=odd_slug)
    token = Token.objects.exclude(graded_on=None).first()
    token.sectors.add(odd)
    value = {"heading": "Odd sector", "sector": odd.pk, "grade": "trader", "count": 5}
    article = ArticlePageFactory(parent=blog_index, body=body(paragraph(), ("top_tokens", value)))

    assert client.get("/ratings/top/defi/").status_code == 200
    block = soup(client.get(article.url)).select_one(".top-tokens-block")
    assert block.select_one("p.meta a")["href"] == "/ratings/"  # the whole table instead
    assert token.name in [a.text for a in block.select("tbody td:nth-of-type(2) a")]
    for url in ["/ratings/top/", "/ratings/", f"/ratings/{token.slug}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "ИИ токены" in response.content.decode(), url
    top = soup(client.get("/ratings/top/"))
    assert "ИИ токены" in [li.text for li in top.select("main li") if not li.a]
    assert top.find("a", string="Top 10 DeFi tokens")["href"] == "/ratings/top/defi/"
    assert client.get("/api/v1/tokens/").status_code == 200


@pytest.mark.parametrize("per_page", [5, 100])
def test_table_costs_the_same_few_queries_cold_and_warm_whatever_the_page_size(
    client, graded, settings, per_page
):
    settings.RATINGS_PER_PAGE = per_page
    assert cold_and_warm(client, "/ratings/?sort=-trader", settings) == (TABLE_COLD, TABLE_WARM)


@pytest.mark.parametrize("days", [30, 365])
def test_token_page_costs_the_same_few_queries_cold_and_warm_whatever_the_range(
    client, graded, settings, days
):
    token = graded.order_by("-market_cap").first()
    url = f"/ratings/{token.slug}/?range={days}"
    assert cold_and_warm(client, url, settings) == (TOKEN_COLD, TOKEN_WARM)


def test_a_stored_table_is_never_served_for_bad_filters(client, graded, settings):
    settings.FRAGMENT_CACHE_SECONDS = 3600
    assert client.get("/ratings/?min_trader=150").status_code == 400
    assert client.get("/ratings/?min_trader=150").status_code == 400
    assert client.get("/ratings/?min_trader=50").status_code == 200
    assert client.get("/ratings/?min_trader=150").status_code == 400


def part_columns(card):
    """{component name: (24h part, 7d part)} from a grade card's components table."""
    parts = {}
    for row in card.select("table.components tbody tr"):
        name = row.th.contents[0].strip()
        cells = [cell.text.strip() for cell in row.select("td.part")]
        parts[name] = tuple(None if text == "–" else float(text) for text in cells)
    return parts


def test_token_page_splits_each_grade_change_by_component_and_the_parts_add_up(client, graded):
    from ratings.models import GradeDay

    checked = 0
    for token in graded.order_by("-market_cap")[:10]:
        latest = GradeDay.objects.get(token=token, date=token.graded_on)
        page = soup(client.get(f"/ratings/{token.slug}/"))
        trader_card, investor_card = page.select(".grade-card")[:2]
        for card, change_24h, change_7d in (
            (trader_card, latest.trader_change_24h, latest.trader_change_7d),
            (investor_card, latest.investor_change_24h, latest.investor_change_7d),
        ):
            parts = part_columns(card)
            assert parts, "no components table"
            day = [p[0] for p in parts.values() if p[0] is not None]
            week = [p[1] for p in parts.values() if p[1] is not None]
            assert round(sum(day), 1) == round(change_24h, 1)
            assert round(sum(week), 1) == round(change_7d, 1)
            checked += any(day) or any(week)
    assert checked >= 5  # grades that moved, not only flat ones


def test_methodology_states_how_changes_are_split(client):
    text = soup(client.get("/ratings/methodology/")).text
    assert "a component's part in a change is how much its term moved" in text
    assert "counts to drawdown from all-time high" in text
    assert "Wilder's smoothing" in text and "tanh of the week's log return" in text
