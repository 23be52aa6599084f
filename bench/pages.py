"""Public pages uncached (no page cache, no edge; fragment caches on, as in production) and
the API's grade list, against the floor, by the method of shared/BENCH.md; then the cold
render after a publish (the first request after the generation moves) as a latency. One
row has the anonymous page cache on (Redis), for comparison.

Run: make bench ONLY=pages. Needs PostgreSQL, Redis, wrk. BENCH_ROUNDS (3), BENCH_SECONDS
(10), BENCH_TOKENS (6,000 graded tokens, as in production), BENCH_KEEP_DATABASE=1 reuses
the database of an earlier run (load_demo is idempotent).

Targets (issue 13): the track record and the market overview >= 10% of the floor.
Targets (issue 11): article index, token table, token page and award results >= 10% of the
floor, search >= 5%, the API's grade list of 100 rows >= 15%; the article from the page
cache >= 60%. For reference, by this method
on this machine (2026-11-30) the official Wagtail demo reached 1.1% on its blog index,
1.6% on a blog page and 0.7% on search.
"""

import os
import re
import statistics
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import REDIS_URL, fetch, gunicorn, manage, production_env  # noqa: E402

DATABASE = os.environ.get("BENCH_DATABASE", "research_bench_pages")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TOKENS = int(os.environ.get("BENCH_TOKENS", "6000"))
COLD_SAMPLES = int(os.environ.get("BENCH_COLD_SAMPLES", "5"))
SEARCH = "/search/?q=stablecoin+reserves"
RESULTS = "/awards/moon-awards-2024/top-crypto-narratives/results/"
GRADES = "/api/v1/grades/?page_size=100"
TARGETS = {
    "article index /blog/": 0.10,
    "token table /ratings/": 0.10,
    "token page": 0.10,
    "search": 0.05,
    "award results": 0.10,
    "API grades, 100 rows": 0.15,
    "track record /ratings/performance/": 0.10,
    "market overview /ratings/market/": 0.10,
    "article page, page cache on": 0.60,  # a hit (bench/page_cache.py measures hits alone)
}


def prepare(env):
    if not (os.environ.get("BENCH_KEEP_DATABASE") and harness.database_exists(DATABASE)):
        harness.recreate_database(DATABASE)
    print(f"Preparing {DATABASE} (migrate, collectstatic, load_demo with {TOKENS:,} tokens)...", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_demo")


def pages(base):
    """Path of each page measured; the article and token are the first the listings link."""
    _, listing = fetch(f"{base}/blog/")
    article = re.search(r'href="(/blog/[a-z0-9-]+/)"', listing).group(1)
    _, table = fetch(f"{base}/ratings/")
    token = re.search(r'href="(/ratings/(?!top/|methodology/)[a-z0-9-]+/)"', table).group(1)
    return {
        "article index /blog/": "/blog/",
        "token table /ratings/": "/ratings/",
        "token page": token,
        "search": SEARCH,
        "award results": RESULTS,
        "article page": article,
        "API grades, 100 rows": GRADES,
        "track record /ratings/performance/": "/ratings/performance/",
        "market overview /ratings/market/": "/ratings/market/",
    }


def start_new_generation(env):
    """What a publish does to every cache: the generation moves (core.caching.invalidate)."""
    if "django" not in sys.modules:
        os.environ.update(env)
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        import django

        django.setup()
    from core.caching import invalidate

    invalidate()


def timed(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        assert response.status == 200, (url, response.status)
    return (time.perf_counter() - started) * 1000


def cold_after_publish(env, base, paths):
    """Per page: the first request after the generation moves, and a warm one, in ms."""
    print(f"\nCold render after a publish: the first request after the generation moves "
          f"(fragments, memos and API entries all retired), median of {COLD_SAMPLES}; warm for comparison")
    print(f"{'what':<40} {'cold ms':>8} {'range':>13} {'warm ms':>8}")
    for name, path in paths.items():
        cold, hot = [], []
        for _ in range(COLD_SAMPLES):
            start_new_generation(env)
            cold.append(timed(base + path))
            hot.append(min(timed(base + path) for _ in range(4)))  # both workers are warm by then
        print(f"{name:<40} {statistics.median(cold):>8.1f} {min(cold):>6.1f}-{max(cold):<6.1f} "
              f"{statistics.median(hot):>8.1f}")


def main():
    # The API's throttle runs as in production but never refuses: a limit per second keeps
    # the caller's history (DRF keeps one timestamp per request in the window) at a few
    # hundred entries, what a key holder at the production 600/minute carries. A limit per
    # minute would grow it to 60 s of this benchmark's requests, which no real caller
    # reaches without being refused first.
    env = production_env(
        DATABASE, PAGE_CACHE_SECONDS=0, REDIS_URL=REDIS_URL, RATINGS_TOKENS=TOKENS,
        API_RATE_ANONYMOUS="100000/second",
    )
    prepare(env)
    with harness.floor_server() as floor, gunicorn(env) as base, \
            gunicorn({**env, "API_CACHE_SECONDS": "0"}) as without_api_cache, \
            gunicorn({**env, "PAGE_CACHE_SECONDS": "300"}) as page_cached:
        paths = pages(base)
        harness.warm(floor, ["/"])
        harness.warm(base, paths.values())
        harness.warm(without_api_cache, [GRADES])
        harness.warm(page_cached, [paths["article page"]])
        urls = {name: base + path for name, path in paths.items()}
        urls["API grades, 100 rows, its cache off"] = without_api_cache + GRADES
        urls["article page, page cache on"] = page_cached + paths["article page"]
        print(f"Measuring {', '.join(f'{name} ({path})' for name, path in paths.items())}", flush=True)
        floors, results = harness.measure_rounds(floor, urls, ROUNDS, SECONDS)
        harness.report_rounds(floors, results, TARGETS)
        cold_after_publish(env, base, paths)
    print("\nFor reference, by this method (2026-11-30): the official Wagtail demo's blog index 1.1% "
          "of the floor, a blog page 1.6%, search 0.7%.")


if __name__ == "__main__":
    main()
