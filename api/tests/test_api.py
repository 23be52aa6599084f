import re

import pytest
from django.core import mail

from api.models import ApiKey, hash_key
from core.tests.queries import cold_and_warm
from ratings.models import GradeDay, Token

from .conftest import END

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("generous_limits")]
API_COLD, API_WARM = 1, 0


def all_pages(client, url, **headers):
    rows, pages = [], 0
    while url:
        body = client.get(url, **headers).json()
        rows += body["results"]
        url, pages = body["next"], pages + 1
    return rows, pages


def test_root_lists_every_endpoint(client):
    body = client.get("/api/v1/").json()
    assert {"tokens", "grades", "articles", "awards", "schema", "docs"} <= set(body["endpoints"])
    assert body["endpoints"]["grades"] == "http://testserver/api/v1/grades/"


def test_tokens_page_through_with_a_cursor_without_gaps_or_repeats(client, graded):
    rows, pages = all_pages(client, "/api/v1/tokens/?page_size=30")
    assert pages == 3
    slugs = [row["slug"] for row in rows]
    assert slugs == sorted(Token.objects.values_list("slug", flat=True))
    first = rows[0]
    assert set(first) >= {"name", "symbol", "categories", "price", "market_cap", "is_stale", "url"}


def test_tokens_filter_by_symbol_and_category(client, graded):
    token = Token.objects.order_by("pk").first()
    rows = client.get(f"/api/v1/tokens/?symbol={token.symbol.lower()}").json()["results"]
    assert token.slug in [r["slug"] for r in rows] and {r["symbol"] for r in rows} == {token.symbol}
    rows, _ = all_pages(client, "/api/v1/tokens/?category=defi")
    assert {r["slug"] for r in rows} == set(
        Token.objects.filter(sectors__slug="defi").values_list("slug", flat=True)
    )
    assert all("defi" in r["categories"] for r in rows)


def test_latest_grades_filter_by_grade_range_and_order(client, graded):
    rows, _ = all_pages(client, "/api/v1/grades/?min_trader=40&max_trader=70&ordering=-trader_grade")
    grades = [r["trader_grade"] for r in rows]
    assert grades == sorted(grades, reverse=True)
    assert all(40 <= g <= 70 for g in grades)
    assert len(rows) == Token.objects.filter(trader_grade__gte=40, trader_grade__lte=70).count()
    first = rows[0]
    assert first["date"] == END.isoformat()
    assert first["signal"] in {"Strong Buy", "Buy", "Neutral", "Sell", "Strong Sell"}


def test_grade_history_of_one_token_between_dates(client, graded):
    token = Token.objects.exclude(graded_on=None).first()
    url = f"/api/v1/tokens/{token.slug}/grades/?date_from=2025-09-20&date_to=2025-09-25"
    rows = client.get(url).json()["results"]
    assert [r["date"] for r in rows] == [f"2025-09-{d}" for d in range(25, 19, -1)]
    stored = GradeDay.objects.get(token=token, date="2025-09-25")
    assert rows[0]["trader_grade"] == stored.trader_grade
    assert rows[0]["components"]["momentum"] == stored.momentum


BAD_DATE = "Enter a valid date as YYYY-MM-DD."


@pytest.mark.parametrize(
    ("url", "status", "code", "message"),
    [
        (
            "/api/v1/grades/?min_investor=101",
            400,
            "invalid",
            "min_investor: Ensure this value is less than or equal to 100.",
        ),
        ("/api/v1/grades/?graded_after=someday", 400, "invalid", f"graded_after: {BAD_DATE}"),
        ("/api/v1/grades/?graded_after=09/30/2025", 400, "invalid", f"graded_after: {BAD_DATE}"),
        ("/api/v1/tokens/?stale=yes", 400, "invalid", "stale: Enter true or false."),
        ("/api/v1/tokens/?signal=moon", 400, "invalid", "signal: Select a valid choice."),
        ("/api/v1/grades/?page_size=0", 400, "invalid", "page_size: Enter a whole number from 1 to 200."),
        ("/api/v1/grades/?page_size=201", 400, "invalid", "page_size: Enter a whole number from 1 to 200."),
        ("/api/v1/tokens/?ordering=price", 400, "invalid", "ordering: Sort by one or more of slug, name"),
        ("/api/v1/tokens/?category=nowhere", 404, "not_found", "No category called 'nowhere'."),
        ("/api/v1/articles/?category=nowhere", 404, "not_found", "No category called 'nowhere'."),
        ("/api/v1/tokens/no-such-token/", 404, "not_found", "No Token matches the given query."),
        ("/api/v1/tokens/no-such-token/grades/", 404, "not_found", "No Token matches the given query."),
        ("/api/v1/tokens/?cursor=garbage", 404, "not_found", "Invalid cursor"),
        ("/api/v1/nothing-here/", 404, "not_found", "No API endpoint at /api/v1/nothing-here/."),
    ],
)
def test_errors_share_one_shape(client, graded, url, status, code, message):
    response = client.get(url)
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (status, code)
    assert error["message"].startswith(message)


def test_articles_are_published_ones_with_their_listing_fields(client, blog_index):
    from blog.tests.factories import ArticlePageFactory

    live = ArticlePageFactory(parent=blog_index, title="Live research", sponsored=True, sponsor_name="Acme")
    draft = ArticlePageFactory(parent=blog_index, title="Draft research")
    draft.unpublish()
    rows = client.get("/api/v1/articles/").json()["results"]
    assert [r["title"] for r in rows] == ["Live research"]
    assert rows[0]["sponsored"] is True and rows[0]["url"] == f"http://testserver{live.url}"
    assert client.get(f"/api/v1/articles/?category={live.category.slug}").json()["results"]
    assert client.get(f"/api/v1/articles/{draft.slug}/").status_code == 404


def test_a_free_key_by_email_is_shown_once_and_stored_hashed(client):
    response = client.post("/api/keys/", {"email": "dev@example.com"})
    assert "We sent a link to" in response.content.decode()
    link = re.search(r"https?://[^/\s]+(/api/keys/confirm/\S+/)", mail.outbox[0].body).group(1)

    assert "Show my key" in client.get(link).content.decode()  # a mail scanner's GET uses nothing up
    assert not ApiKey.objects.exists()
    shown = client.post(link)
    assert "no-store" in shown["Cache-Control"]
    raw = re.search(r'value="(trk_[^"]+)"', shown.content.decode()).group(1)
    key = ApiKey.objects.get()
    assert key.email == "dev@example.com" and key.key_hash == hash_key(raw) and raw not in str(key.__dict__)

    again = client.post(link)
    assert again.status_code == 410 and raw not in again.content.decode()
    assert client.get("/api/v1/", HTTP_X_API_KEY=raw).status_code == 200
    assert client.get("/api/v1/", HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code == 200


def test_key_requests_reject_bad_input_and_bad_links(client, settings):
    assert client.post("/api/keys/", {"email": "not-an-address"}).status_code == 400
    assert client.get("/api/keys/confirm/forged-token/").status_code == 400
    bad = client.get("/api/v1/", HTTP_X_API_KEY="trk_deadbeef_nope")
    assert bad.status_code == 401 and bad.json()["error"]["message"].startswith("Unknown API key")
    settings.API_KEY_REQUESTS_PER_HOUR = 2
    statuses = [client.post("/api/keys/", {"email": "x@example.com"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_expired_links_say_so(client, settings):
    client.post("/api/keys/", {"email": "late@example.com"})
    link = re.search(r"https?://[^/\s]+(/api/keys/confirm/\S+/)", mail.outbox[0].body).group(1)
    settings.API_KEY_LINK_MAX_AGE = -1
    response = client.post(link)
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_rate_limits_answer_429_with_retry_after(client, settings):
    settings.API_RATE_ANONYMOUS = "3/minute"
    settings.API_RATE_KEY = "5/minute"
    statuses = [client.get("/api/v1/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/")
    assert 0 < int(limited["Retry-After"]) <= 60
    assert limited.json()["error"]["code"] == "throttled"

    _, raw = ApiKey.issue("k@example.com", "nonce-1")
    keyed = [client.get("/api/v1/", HTTP_X_API_KEY=raw).status_code for _ in range(6)]
    assert keyed == [200] * 5 + [429]


def test_grades_list_costs_the_same_queries_for_10_or_100_rows(client, graded, django_assert_max_num_queries):
    for size in (10, 100):
        with django_assert_max_num_queries(3):
            assert len(client.get(f"/api/v1/grades/?page_size={size}").json()["results"]) == min(size, 80)


def test_schema_and_docs_come_from_our_own_server(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/grades/", "/api/v1/tokens/{slug}/grades/", "/api/v1/articles/"} <= set(schema["paths"])
    assert not any(path.startswith("/admin") for path in schema["paths"])
    docs = client.get("/api/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', docs)
    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/" in s for s in sources)
    assert not [s for s in sources if s.startswith(("http://", "https://", "//"))]


def test_schema_has_no_warnings_for_our_endpoints(capsys):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--file", "/dev/null")
    lines = capsys.readouterr().err.splitlines()
    ours = [line for line in lines if ("/api/" in line or "/ratings/" in line) and "awards" not in line]
    assert ours == []


def test_grades_are_served_from_cache_until_the_next_refresh(
    client, graded, django_capture_on_commit_callbacks
):
    from ratings.providers.demo import DemoProvider
    from ratings.refresh import refresh

    url = "/api/v1/grades/?ordering=slug&page_size=1"
    first = client.get(url).json()["results"][0]
    Token.objects.filter(slug=first["token"]).update(investor_grade=1.0)
    assert client.get(url).json()["results"][0]["investor_grade"] == first["investor_grade"]  # cached

    with django_capture_on_commit_callbacks(execute=True):
        refresh(DemoProvider(seed=9, universe=120), end=END, days=1, limit=80)  # re-grades the day
    Token.objects.filter(slug=first["token"]).update(investor_grade=2.0)
    assert client.get(url).json()["results"][0]["investor_grade"] == 2.0  # the refresh emptied the cache


@pytest.mark.parametrize("size", [10, 100])
def test_grades_list_queries_cold_and_warm_do_not_grow_with_the_page(client, graded, settings, size):
    # cold: the first answer after a refresh (a new generation); warm: the stored answer
    assert cold_and_warm(client, f"/api/v1/grades/?page_size={size}", settings) == (API_COLD, API_WARM)


def test_grades_list_filters_are_checked_beside_paging_parameters(client, graded):
    assert client.get("/api/v1/grades/?page_size=10&min_trader=abc").status_code == 400
    assert client.get("/api/v1/grades/?page_size=10&ordering=-trader_grade").status_code == 200
