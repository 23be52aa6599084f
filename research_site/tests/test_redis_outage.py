"""Redis down, hung or unreachable: readers keep reading, from the database, without waiting.

Each test runs a redis-server of its own (core.tests.faults) with the production cache
settings (research_site.settings.base.cache_settings), then stops it, hangs it (SIGSTOP)
or points the site at a host that takes no connection.
"""

import datetime
import logging
import time

import pytest
from django.core import mail

from blog.tests.factories import ArticlePageFactory
from core import caching
from core.models import SeoSettings
from core.ratelimit import allow, counters
from core.tests.faults import RedisServer, free_port, silent_host
from newsletters.tests.factories import NewsletterIndexPageFactory, NewsletterPageFactory
from ratings.providers.demo import DemoProvider
from ratings.refresh import refresh
from research_site.settings.base import cache_settings

pytestmark = pytest.mark.django_db

RETRY = 1  # seconds between tries while Redis is down (production: 5)
# A request may take this long while Redis is down: the timeouts are 0.5 s, paid once per
# process and retry interval; redis-py's default of 5 s per call would take far longer.
PROMPT = 1.5
PREFIX = "outage-test"
KEYS = f"research:{PREFIX}:1:"  # what the "default" cache's keys start with


def caches_at(url):
    caches = cache_settings(PREFIX, redis_url=url)
    for cache in caches.values():
        cache["OPTIONS"] = {**cache["OPTIONS"], "OUTAGE_RETRY_SECONDS": RETRY}
    return caches


@pytest.fixture
def caching_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.FRAGMENT_CACHE_SECONDS = 3600
    settings.API_CACHE_SECONDS = 300
    settings.API_RATE_ANONYMOUS = "10000/minute"
    counters.memory.clear()
    caching.generation_lost.clear()
    yield
    counters.memory.clear()
    caching.generation_lost.clear()


@pytest.fixture
def redis_server(tmp_path, settings, caching_on):
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = caches_at(server.url)
    yield server
    server.stop()


@pytest.fixture
def article(blog_index):
    return ArticlePageFactory(parent=blog_index, title="Degrading gracefully")


@pytest.fixture
def graded(db):
    refresh(DemoProvider(seed=3, universe=60), end=datetime.date(2025, 9, 30), days=30, limit=40)


@pytest.fixture
def pages(article, blog_index, graded):
    """What readers open: home, an article, a listing, the feed, the token table, the API's
    grade list and the sign-up page."""
    NewsletterPageFactory(parent=NewsletterIndexPageFactory(parent=blog_index.get_parent()))
    return ["/", article.url, blog_index.url, "/feed/", "/ratings/", "/api/v1/grades/", "/email/subscribe/"]


def timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def logged(caplog, level):
    return [r.getMessage() for r in caplog.records if r.levelno == level and r.name.startswith("core.")]


def test_pages_and_the_api_come_from_the_database_while_redis_is_down(
    client, pages, article, redis_server, caplog
):
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert client.get(article.url)["X-Page-Cache"] == "hit"
    assert redis_server.client().keys(KEYS + "*")  # pages, fragments and grades went to Redis

    caplog.set_level(logging.INFO)
    redis_server.stop()
    for _ in range(3):
        for url in pages:
            response, seconds = timed_get(client, url)
            assert response.status_code == 200, url
            assert seconds < PROMPT, (url, seconds)
            assert "X-Page-Cache" not in response  # neither served from nor stored in a cache
        time.sleep(RETRY)  # so each round tries Redis again
    assert article.title in client.get(article.url).content.decode()
    assert article.title in client.get("/feed/").content.decode()
    errors = logged(caplog, logging.ERROR)
    assert len(errors) == 1, errors  # one for the outage, not one per request
    assert "Cache unreachable" in errors[0] and str(redis_server.port) in errors[0]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR and r.name == "django.request"] == []

    redis_server.start()
    time.sleep(RETRY)
    assert client.get(article.url)["X-Page-Cache"] == "miss"
    assert client.get(article.url)["X-Page-Cache"] == "hit"
    client.get("/api/v1/grades/")
    assert redis_server.client().keys(KEYS + "api:grades:*")  # the API caches again too
    assert len(logged(caplog, logging.ERROR)) == 1
    assert len([m for m in logged(caplog, logging.WARNING) if "reachable again" in m]) == 1


def test_changes_saved_while_redis_is_down_show_when_it_is_back(
    client, home, article, blog_index, redis_server
):
    """Redis comes back with what it held, pages and site settings cached before the outage
    among them; the saves could not retire them then, so they must not be served now."""
    seo = SeoSettings.objects.create(site=home.get_site(), default_description="Research before the outage")
    assert client.get(article.url).status_code == 200
    assert client.get(article.url)["X-Page-Cache"] == "hit"
    assert article.title in client.get(blog_index.url).content.decode()
    assert "Research before the outage" in client.get("/").content.decode()

    redis_server.stop(keep_data=True)
    article.unpublish()
    seo.default_description = "Research after the outage"
    seo.save()
    assert client.get(article.url).status_code == 404
    assert article.title not in client.get(blog_index.url).content.decode()

    redis_server.start()
    time.sleep(RETRY)
    assert client.get(article.url).status_code == 404
    assert article.title not in client.get(blog_index.url).content.decode()
    assert "Research after the outage" in client.get("/").content.decode()
    assert client.get(blog_index.url)["X-Page-Cache"] == "hit"  # and caching goes on


def test_a_hung_redis_holds_no_request(client, article, blog_index, redis_server, caplog):
    """SIGSTOP: connections are still taken but never answered, so only the read timeout
    ends a call."""
    assert client.get(article.url)["X-Page-Cache"] == "miss"
    redis_server.hang()
    for _ in range(2):
        for url in ("/", article.url, blog_index.url, "/api/v1/tokens/"):
            response, seconds = timed_get(client, url)
            assert response.status_code == 200 and seconds < PROMPT, (url, seconds)
        time.sleep(RETRY)
    errors = logged(caplog, logging.ERROR)
    assert len(errors) == 1 and "Timeout" in errors[0], errors
    redis_server.resume()


def test_memos_are_neither_used_nor_filled_while_the_generation_is_unknown(article, redis_server):
    from core.models import route_memo

    redis_server.stop()
    assert caching.current_generation() is None
    route_memo.set(None, "key", "answer")
    assert route_memo.get(None, "key") is None


@pytest.mark.parametrize("host", ["silent", "refusing"])
def test_a_cache_host_that_does_not_answer_holds_no_request(
    client, article, settings, caching_on, host, caplog
):
    with silent_host() as silent_port:
        port = silent_port if host == "silent" else free_port()
        settings.CACHES = caches_at(f"redis://127.0.0.1:{port}/0")
        started = time.monotonic()
        for _ in range(2):
            for url in ("/", article.url, "/api/v1/tokens/"):
                response, seconds = timed_get(client, url)
                assert response.status_code == 200 and seconds < PROMPT, (url, seconds)
            time.sleep(RETRY)
        assert time.monotonic() - started < 2 * RETRY + 3 * PROMPT
    assert len(logged(caplog, logging.ERROR)) == 1


def test_rate_limits_still_hold_in_each_process_while_redis_is_down(
    client, blog_index, redis_server, settings
):
    assert allow("outage", "shared", 3, 60)
    assert redis_server.client().keys(KEYS + "rate:outage:shared:*")  # counted in Redis while it answers

    redis_server.stop()
    assert [allow("outage", "client", 3, 60) for _ in range(5)] == [True, True, True, False, False]

    settings.API_RATE_ANONYMOUS = "3/minute"
    assert [client.get("/api/v1/tokens/").status_code for _ in range(4)] == [200, 200, 200, 429]

    settings.NEWSLETTERS_RATE_PER_IP = (2, 3600)
    NewsletterPageFactory(
        parent=NewsletterIndexPageFactory(parent=blog_index.get_parent()), subscribe_by_default=True
    )
    answers = [
        client.post("/email/subscribe/", {"email": f"reader{n}@example.com", "homepage": ""}).status_code
        for n in range(3)
    ]
    assert answers == [302, 302, 429]  # "check your inbox", twice, then "too many"
    assert len(mail.outbox) == 2  # the sign-ups that were allowed were mailed
