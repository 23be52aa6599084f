"""The grades list cache holds one entry per question, however the query string is padded."""

import pytest
import redis
from django.conf import settings
from django.core.cache import caches

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("generous_limits", "graded")]


def stored_grade_lists():
    """Grade-list entries in the default cache, counted where the cache keeps them."""
    if settings.REDIS_URL:
        return sum(1 for _ in redis.Redis.from_url(settings.REDIS_URL).scan_iter("*api:grades:*"))
    return sum(1 for key in caches["default"]._cache if "api:grades:" in key)


def test_50_junk_query_strings_make_at_most_one_entry(client):
    bodies = {client.get(f"/api/v1/grades/?junk{n}={n}&utm_source=x{n}").content for n in range(50)}
    assert len(bodies) == 1
    assert stored_grade_lists() == 1


def test_one_question_spelt_two_ways_is_one_entry_with_links_free_of_junk(client):
    first = client.get("/api/v1/grades/?min_trader=40&page_size=5").json()
    second = client.get("/api/v1/grades/?page_size=5&min_trader=40.0&tracking=abc").json()
    assert first == second
    assert stored_grade_lists() == 1
    assert "tracking" not in first["next"]
    assert "min_trader=40" in first["next"] and "page_size=5" in first["next"]
    following = client.get(first["next"].removeprefix("http://testserver") + "&more-junk=1").json()
    assert {row["token"] for row in following["results"]}.isdisjoint(row["token"] for row in first["results"])
    assert stored_grade_lists() == 2


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("min_investor=101", 400),
        ("graded_after=someday", 400),
        ("category=nowhere", 404),
        ("signal=maybe", 400),
        ("cursor=garbage", 404),
    ],
)
def test_invalid_values_are_refused_and_never_cached(client, query, status):
    for n in range(3):
        assert client.get(f"/api/v1/grades/?{query}&n={n}").status_code == status
    assert stored_grade_lists() == 0
