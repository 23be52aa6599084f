"""/readyz tells the truth about the services, with real ones stopped or hanging;
/healthz answers whatever they do."""

import time

import pytest

from core.tests.broker import tasks_sent_to
from core.tests.faults import RedisServer, SilentServer, free_port
from research_site.settings.base import cache_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings, tmp_path):
    """The caches on a redis-server of the test's own."""
    server = RedisServer(tmp_path).start()
    settings.CACHES = cache_settings("readyz-test", redis_url=server.url)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def short_timeout(settings):
    settings.READYZ_TIMEOUT_SECONDS = 1.0


def test_ready_when_everything_answers(client, redis_cache):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok", "down": [], "checks": {"broker": "ok", "database": "ok", "redis": "ok"},
    }
    assert "no-store" in response["Cache-Control"]


def test_a_stopped_redis_is_named_though_pages_still_answer(client, redis_cache):
    client.get("/readyz")
    redis_cache.stop()

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "down": ["redis"],
        "checks": {"broker": "ok", "database": "ok", "redis": "down"},
    }
    assert "no-store" in response["Cache-Control"]
    # The cache back end degrades to misses, so the site itself keeps answering...
    assert client.get("/healthz").status_code == 200
    # ...and its circuit breaker, open now, does not make readyz say "ok" on the next probe.
    assert client.get("/readyz").json()["down"] == ["redis"]

    redis_cache.start()
    assert client.get("/readyz").status_code == 200


def test_a_broker_on_a_dead_port_is_named(client):
    with tasks_sent_to(f"redis://127.0.0.1:{free_port()}/0"):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]
    assert response.json()["checks"]["database"] == "ok"


def test_a_hung_broker_is_named_within_the_timeout(client):
    hung = SilentServer()
    try:
        with tasks_sent_to(hung.url):
            started = time.monotonic()
            response = client.get("/readyz")
            took = time.monotonic() - started
    finally:
        hung.close()

    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]
    assert took < 2.5  # READYZ_TIMEOUT_SECONDS is 1


def test_readyz_is_never_kept_by_the_page_cache(client, settings, redis_cache):
    settings.PAGE_CACHE_SECONDS = 300
    assert client.get("/readyz").status_code == 200
    redis_cache.stop()

    response = client.get("/readyz")

    assert response.status_code == 503
    assert "X-Page-Cache" not in response


def test_readyz_answers_head_for_load_balancers(client):
    assert client.head("/readyz").status_code == 200
