"""Caches never cross databases: each database keeps its own Redis key prefix and its own
file-cache folder, so what one environment cached (the bench's site root paths, say) is
never read by another (`make run`'s site, which then linked every page to "None").

Each check starts fresh processes on the settings an operator would start, as
test_settings.py does.
"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from core.tests.faults import RedisServer

from .test_settings import fresh_env, read_settings

SITE = "postgres://postgres@127.0.0.1:5432/research"
BENCH = "postgres://postgres@127.0.0.1:5432/research_bench_newsletters"


def cache_of(module="production", **variables):
    return read_settings("CACHES", module=module, **variables)["CACHES"]["default"]


@pytest.mark.parametrize(
    "other",
    [
        BENCH,  # another name
        "postgres://postgres@db.internal:5432/research",  # another host
        "postgres://postgres@127.0.0.1:5433/research",  # another port
        "sqlite:////srv/research/research",  # another engine
    ],
)
def test_each_database_has_its_own_redis_prefix_and_cache_folder(other, tmp_path):
    redis = {"REDIS_URL": "redis://127.0.0.1:6379/0"}
    site, again, elsewhere = (cache_of(DATABASE_URL=url, **redis) for url in (SITE, SITE, other))
    assert site["KEY_PREFIX"] == again["KEY_PREFIX"]  # every process of a site agrees
    assert site["KEY_PREFIX"] != elsewhere["KEY_PREFIX"]
    assert site["KEY_PREFIX"].startswith("research:research-")  # readable: the database's name

    site, elsewhere = (cache_of(DATABASE_URL=url, CACHE_DIR=str(tmp_path)) for url in (SITE, other))
    assert site["BACKEND"].endswith("FileBasedCache")
    assert Path(site["LOCATION"]).parent == tmp_path  # CACHE_DIR holds a folder per database
    assert site["LOCATION"] != elsewhere["LOCATION"]


def test_the_bench_and_the_tests_keep_out_of_make_runs_cache():
    make_run = Path(cache_of(module="dev")["LOCATION"])
    assert make_run.parent == settings.BASE_DIR / "var" / "cache"

    spec = importlib.util.spec_from_file_location("bench_harness", settings.BASE_DIR / "bench" / "harness.py")
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    bench_env = harness.production_env("research_bench_newsletters")
    bench = cache_of(DATABASE_URL=bench_env["DATABASE_URL"], CACHE_DIR=bench_env["CACHE_DIR"])
    bench = Path(bench["LOCATION"])
    assert bench.is_relative_to(settings.BASE_DIR / "var" / "bench")
    assert not bench.is_relative_to(make_run.parent)

    # Tests never use a file cache, and on the site's own Redis they keep their own prefix.
    redis = {"DATABASE_URL": SITE, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert cache_of(module="test", DATABASE_URL=SITE)["BACKEND"].endswith("LocMemCache")
    assert cache_of(module="test", **redis)["KEY_PREFIX"] != cache_of(module="dev", **redis)["KEY_PREFIX"]


def cache_in_process(code, **variables):
    """Run ``code`` in a fresh process on the production settings; its printed JSON."""
    prelude = (
        "import django, json; django.setup(); from django.core.cache import cache; "
        "from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY as KEY, "
        "SITE_ROOT_PATHS_CACHE_VERSION as VERSION; "
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", prelude + code],
        cwd=settings.BASE_DIR,
        env=fresh_env(ALLOWED_HOSTS="example.com", **variables),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("store", ["files", "redis"])
def test_site_root_paths_cached_for_one_database_are_not_seen_by_another(store, tmp_path):
    """The bench's newsletters run, then `make run`: the site's links come from its own
    database, not from the bench's roots left in a shared cache."""
    if store == "redis":
        server = RedisServer(tmp_path)
        server.start()
        where = {"REDIS_URL": server.url}
    else:
        where = {"CACHE_DIR": str(tmp_path)}
    try:
        bench_roots = [[1, "/bench-home/", "http://127.0.0.1:8123", "en"]]
        cache_in_process(
            f"cache.set(KEY, {bench_roots!r}, 3600, version=VERSION); print(json.dumps(True))",
            DATABASE_URL=BENCH,
            **where,
        )
        read = "print(json.dumps(cache.get(KEY, version=VERSION)))"
        assert cache_in_process(read, DATABASE_URL=SITE, **where) is None
        assert cache_in_process(read, DATABASE_URL=BENCH, **where) == bench_roots  # so it was there
    finally:
        if store == "redis":
            server.stop()
