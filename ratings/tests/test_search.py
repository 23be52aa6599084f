"""The site search finds tokens by name or symbol, exact symbol first, with their grades."""

import datetime

import pytest
from bs4 import BeautifulSoup

from blog.tests.factories import ArticlePageFactory
from core.tests.queries import cold_and_warm
from ratings.models import Token
from ratings.search import SITE_SEARCH_TOKENS, matching_tokens

pytestmark = pytest.mark.django_db

GRADED = datetime.date(2025, 9, 30)


def token(slug, name, symbol, cap, trader=50.0, investor=60.0):
    return Token.objects.create(
        slug=slug, name=name, symbol=symbol, market_cap=cap, graded_on=GRADED,
        trader_grade=trader, investor_grade=investor, signal=3,
    )  # fmt: skip


@pytest.fixture
def tokens(db):
    return {
        "galzen": token("galzen-chain", "Galzen Chain", "GALZ", 5e8, trader=71.4, investor=64.2),
        "galpax": token("galpax-finance", "Galpax Finance", "GALP", 9e9),
        "gal-big": token("galjun-chain", "Galjun Chain", "GAL", 2e9),
        "gal-small": token("galxoqui", "Galxoqui", "GAL", 1e6),
        "regal": token("regal-token", "Regal Token", "RGL", 3e10),
        "other": token("bitvane", "Bitvane", "BVN", 1e11),
    }


def token_rows(response):
    section = BeautifulSoup(response.content, "html.parser").find("section", class_="search-tokens")
    if section is None:
        return []
    return [[cell.get_text(" ", strip=True) for cell in row.find_all("td")] for row in section.tbody("tr")]


@pytest.mark.parametrize("query", ["galzen", "GALZ", "galz", "GaLzEn ChAiN"])
def test_a_name_or_symbol_in_the_header_search_finds_the_token_with_its_grades(client, home, tokens, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    rows = token_rows(response)
    assert rows[0][:3] == ["Galzen Chain GALZ", "71.4", "64.2"]
    assert "No results" not in response.content.decode()


def test_exact_symbol_matches_come_first_then_prefixes_and_names(client, home, tokens):
    rows = token_rows(client.get("/search/", {"q": "gal"}))
    names = [row[0].rsplit(" ", 1)[0] for row in rows]
    # Both GAL tokens (largest first), then symbols starting with GAL by market cap, then
    # a name that only contains "gal".
    assert names == ["Galjun Chain", "Galxoqui", "Galpax Finance", "Galzen Chain", "Regal Token"]


def test_tokens_come_above_the_articles_that_match(client, blog_index, tokens):
    ArticlePageFactory(parent=blog_index, title="Why Galzen Chain rallied")
    html = client.get("/search/", {"q": "galzen"}).content.decode()
    assert html.index("search-tokens") < html.index("Why Galzen Chain rallied")


def test_a_query_matching_no_token_shows_no_token_section(client, blog_index, tokens):
    ArticlePageFactory(parent=blog_index, title="Stablecoin reserves")
    response = client.get("/search/", {"q": "stablecoin"})
    assert token_rows(response) == [] and "Stablecoin reserves" in response.content.decode()


def test_many_matches_show_the_best_few_and_link_to_all(client, home, db):
    for n in range(SITE_SEARCH_TOKENS + 3):
        token(f"zeta-{n}", f"Zeta {n}", f"ZT{n}", 1e6 * (n + 1))
    response = client.get("/search/", {"q": "zeta"})
    assert len(token_rows(response)) == SITE_SEARCH_TOKENS
    assert 'href="/ratings/?q=zeta"' in response.content.decode()


@pytest.mark.parametrize("query", ["\x00gal", "%", "_", "gal'; drop table ratings_token; --"])
def test_odd_queries_are_plain_text(client, home, tokens, query):
    assert client.get("/search/", {"q": query}).status_code == 200
    assert Token.objects.count() == len(tokens)


def test_percent_and_underscore_are_not_wildcards(tokens):
    assert matching_tokens("%", 10) == [] and matching_tokens("_", 10) == []


@pytest.mark.parametrize("matches", [1, 20])
def test_token_search_costs_the_same_queries_however_many_match(client, home, settings, matches):
    for n in range(matches):
        token(f"orbit-{n}", f"Orbit {n}", f"ORB{n}", 1e6 * (n + 1))
    cold, warm = cold_and_warm(client, "/search/?q=orbit", settings)
    # No page matches here, so one query fewer than blog's search count (6) with results.
    assert (cold, warm) == (4, 0)
