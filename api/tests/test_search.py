"""GET /api/v1/search/: the site search's tokens (exact symbol first) and articles, as JSON."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.tests.factories import ArticlePageFactory
from ratings.models import Token
from ratings.tests.test_search import token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("generous_limits")]


@pytest.fixture
def market(db):
    token("galjun-chain", "Galjun Chain", "GAL", 2e9)
    token("galxoqui", "Galxoqui", "GAL", 1e6)
    token("galzen-chain", "Galzen Chain", "GALZ", 5e9, trader=71.4, investor=64.2)
    token("regal-token", "Regal Token", "RGL", 3e10)


def test_tokens_come_exact_symbol_first_with_their_grades_and_how_they_matched(client, market):
    body = client.get("/api/v1/search/", {"q": "Gal"}).json()
    found = [(row["token"], row["match"]) for row in body["tokens"]]
    assert found == [
        ("galjun-chain", "symbol"),
        ("galxoqui", "symbol"),
        ("galzen-chain", "symbol_prefix"),
        ("regal-token", "contains"),
    ]
    galzen = body["tokens"][2]
    assert (galzen["trader_grade"], galzen["investor_grade"], galzen["signal"]) == (71.4, 64.2, "Neutral")
    assert galzen["url"] == "http://testserver/ratings/galzen-chain/"


def test_articles_that_match_follow_the_tokens(client, blog_index, market):
    ArticlePageFactory(parent=blog_index, title="Galzen Chain after the upgrade")
    body = client.get("/api/v1/search/", {"q": "galzen"}).json()
    assert [row["token"] for row in body["tokens"]] == ["galzen-chain"]
    assert [row["title"] for row in body["articles"]] == ["Galzen Chain after the upgrade"]


def test_limit_caps_both_lists(client, market):
    assert len(client.get("/api/v1/search/", {"q": "gal", "limit": 2}).json()["tokens"]) == 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "q: Say what to look for"),
        ({"q": ""}, "q: Say what to look for"),
        ({"q": "x" * 101}, "q: At most 100 characters"),
        ({"q": "gal", "limit": "0"}, "limit: Enter a whole number from 1 to 50."),
        ({"q": "gal", "limit": "51"}, "limit: Enter a whole number from 1 to 50."),
        ({"q": "gal", "limit": "2.0"}, "limit: Enter a whole number from 1 to 50."),
    ],
)
def test_bad_searches_get_400_with_a_clear_message(client, market, query, message):
    response = client.get("/api/v1/search/", query)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith(message)


def test_search_queries_do_not_grow_with_the_matches(client, blog_index):
    def queries_for_every_match(matches):
        for n in range(len(Token.objects.filter(slug__startswith="orbit-")), matches):
            token(f"orbit-{n}", f"Orbit {n}", f"ORB{n}", 1e6 * (n + 1))
            ArticlePageFactory(parent=blog_index, title=f"Orbit note {n}")
        client.get("/api/v1/search/", {"q": "orbit"})  # lookups a process makes once
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/v1/search/", {"q": "orbit", "limit": 50}).json()
        assert len(body["tokens"]) == len(body["articles"]) == matches
        return len(queries)

    one, twelve = queries_for_every_match(1), queries_for_every_match(12)
    assert one == twelve <= 7  # tokens; articles, their tags and authors; the site


def test_a_repeated_search_comes_from_the_cache_until_the_generation_moves(client, settings, market):
    from core import caching

    settings.API_CACHE_SECONDS = 300
    first = client.get("/api/v1/search/", {"q": "galzen"}).json()
    token("galzen-two", "Galzen Two", "GLZ2", 1e3)
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/v1/search/", {"q": "galzen"}).json()
    assert again == first and len(queries) <= 1  # at most the site lookup
    caching.invalidate()  # what a refresh or a publish does
    after = client.get("/api/v1/search/", {"q": "galzen"}).json()
    assert [row["token"] for row in after["tokens"]] == ["galzen-chain", "galzen-two"]
