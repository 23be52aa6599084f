"""What a page-cache hit costs and carries (core.caching.AnonymousPageCacheMiddleware): one
Redis command, the headers the page left with when it was stored, a request id and a count
of its own; and a publish in one process retires the copies every other process reads."""

import contextlib
import logging
import os
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from prometheus_client import REGISTRY

from blog.tests.factories import ArticlePageFactory
from core import caching
from core.tests.faults import RedisServer, free_port
from research_site.settings.base import cache_namespace, cache_settings
from research_site.settings.environment import database

pytestmark = pytest.mark.django_db

# Set by the middleware below the page cache; a hit must carry each as it was stored.
STORED_HEADERS = (
    "Content-Type", "Content-Length", "Content-Security-Policy", "X-Frame-Options",
    "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy", "Cache-Control", "Vary",
)


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    caching.generation_lost.clear()


@pytest.fixture
def redis_server(tmp_path, settings, page_cache_on):
    """A Redis of the test's own, so its command counts are this test's alone."""
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = cache_settings("hit-test", redis_url=server.url)
    yield server
    server.stop()


def commands_run(redis):
    """Commands Redis has run, by name, not counting the INFO calls that ask."""
    stats = redis.info("commandstats")
    return {name.removeprefix("cmdstat_"): row["calls"]
            for name, row in stats.items() if name != "cmdstat_info"}


def test_a_hit_costs_one_redis_command(client, blog_index, redis_server):
    article = ArticlePageFactory(parent=blog_index)
    assert client.get(article.url)["X-Page-Cache"] == "miss"
    redis = redis_server.client()
    before = commands_run(redis)

    response = client.get(article.url)

    after = commands_run(redis)
    assert response["X-Page-Cache"] == "hit" and article.title in response.content.decode()
    ran = {name: after[name] - before.get(name, 0) for name in after if after[name] != before.get(name, 0)}
    assert ran == {"mget": 1}  # the generation and the page, in one round trip


def test_a_hit_carries_the_headers_the_page_was_stored_with_and_a_request_id_of_its_own(
    client, blog_index, page_cache_on
):
    article = ArticlePageFactory(parent=blog_index)
    stored = client.get(article.url)
    hit = client.get(article.url)

    assert (stored["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    assert hit.content == stored.content
    for header in STORED_HEADERS:
        assert header in stored, header
        assert hit[header] == stored[header], header
    assert hit["X-Request-ID"] and hit["X-Request-ID"] != stored["X-Request-ID"]
    assert client.get(article.url, HTTP_X_REQUEST_ID="edge-42")["X-Request-ID"] == "edge-42"


def test_hits_are_counted_in_the_request_metrics(client, blog_index, page_cache_on):
    article = ArticlePageFactory(parent=blog_index)
    client.get(article.url)

    def counted():
        return REGISTRY.get_sample_value("django_http_requests_before_middlewares_total") or 0

    before = counted()
    for _ in range(3):
        assert client.get(article.url)["X-Page-Cache"] == "hit"
    assert counted() == before + 3


def test_plain_http_is_sent_to_https_not_answered_from_the_cache(client, blog_index, page_cache_on, settings):
    article = ArticlePageFactory(parent=blog_index)
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(article.url, secure=True)["X-Page-Cache"] == "miss"
    assert client.get(article.url, secure=True)["X-Page-Cache"] == "hit"
    for _ in range(2):
        plain = client.get(article.url)
        assert plain.status_code == 301 and plain["Location"].startswith("https://")
        assert "X-Page-Cache" not in plain


def test_a_redis_restart_is_not_an_outage(client, blog_index, redis_server, caplog):
    """The connection hits read on is closed by the restart: the next read makes a new one
    instead of counting Redis as down and serving every page from the database for a while."""
    article = ArticlePageFactory(parent=blog_index)
    client.get(article.url)
    assert client.get(article.url)["X-Page-Cache"] == "hit"

    redis_server.stop()
    redis_server.start()  # empty, on the same port
    caplog.set_level(logging.INFO)

    assert client.get(article.url)["X-Page-Cache"] == "miss"
    assert client.get(article.url)["X-Page-Cache"] == "hit"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert caches["default"].reachable


# --- Two processes ---

KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=20) as response:  # noqa: S310 - our loopback server
        return response.headers.get("X-Page-Cache"), response.read().decode()


@contextlib.contextmanager
def site_process(env):
    """The site on gunicorn (one sync worker: one process) with production settings."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "gunicorn", "research_site.wsgi:application", "--workers", "1",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - our loopback server
                break
            assert process.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.django_db(transaction=True)
def test_a_publish_is_visible_on_the_next_request_in_every_process(blog_index, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the site processes read the test database over PostgreSQL")
    (tmp_path / "redis").mkdir()
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        test_database = connection.settings_dict
        database_url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**test_database)
        env = {name: value for name, value in os.environ.items() if name in KEPT}
        env.update(
            DJANGO_SETTINGS_MODULE="research_site.settings.production",
            SECRET_KEY="a-long-random-production-secret-" + "x9Q#" * 12,
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            DATABASE_URL=database_url,
            REDIS_URL=server.url,
            PAGE_CACHE_SECONDS="300",
            STATIC_ROOT=str(tmp_path / "static"),
            LOG_LEVEL="WARNING",
        )
        # Production pages name hashed static files: they must be collected.
        subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR, env=env, check=True, timeout=300,
        )
        # This process publishes into the cache the site processes read: the same Redis,
        # under the namespace their settings give the same database.
        settings.PAGE_CACHE_SECONDS = 300
        namespace = cache_namespace(database(database_url, conn_max_age=0))
        settings.CACHES = cache_settings(namespace, redis_url=server.url)
        article = ArticlePageFactory(parent=blog_index, title="Before the correction")

        with site_process(env) as first, site_process(env) as second:
            for base in (first, second):
                assert get(base, article.url)[0] == "miss"
                state, html = get(base, article.url)
                assert state == "hit" and "Before the correction" in html

            article.title = "After the correction"
            article.save_revision().publish()

            for base in (second, first):
                state, html = get(base, article.url)
                assert state == "miss" and "After the correction" in html, base
                assert get(base, article.url)[0] == "hit"
    finally:
        server.stop()
