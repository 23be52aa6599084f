"""The Redis cache back end: clearing one environment's cache leaves the others' alone."""

import pytest
from django.core.cache.backends.redis import RedisCache

from core.cache_backends import ResilientRedisCache
from core.tests.faults import RedisServer


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def test_clearing_a_cache_deletes_its_own_keys_only(redis_server):
    site = ResilientRedisCache(redis_server.url, {"KEY_PREFIX": "research:site-1"})
    bench = ResilientRedisCache(redis_server.url, {"KEY_PREFIX": "research:site-1-bench"})
    site.set_many({f"page-{n}": n for n in range(2500)})  # more than one SCAN batch
    bench.set("page-1", "the bench's")
    redis_server.client().rpush("celery", "a queued task")  # a broker sharing the database

    assert site.clear()
    assert site.get("page-1") is None and site.get("page-2499") is None
    assert bench.get("page-1") == "the bench's"
    assert redis_server.client().llen("celery") == 1

    # Django's own would have emptied the whole database.
    RedisCache(redis_server.url, {"KEY_PREFIX": "research:site-1"}).clear()
    assert bench.get("page-1") is None
