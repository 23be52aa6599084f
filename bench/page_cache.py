"""The in-app page cache: pages answered from it (hits) for anonymous readers, against the
floor, by the method of shared/BENCH.md.

Run: make bench ONLY=page_cache. Needs PostgreSQL, Redis, wrk. gunicorn 2 sync workers,
production settings, PostgreSQL, Redis for every cache (the page cache on, as in a
deployment without an edge), wrk -t2 -c16 -d10s, interleaved rounds each measuring the
floor (bench/floor_app.py) and then every page; medians and ranges as shares of each
round's floor. Every page is checked to be a hit before measuring.

Target (issue 11): a cached article at least 60% of the floor, with no errors.
BENCH_ROUNDS (3), BENCH_SECONDS (10), BENCH_DATABASE (research_bench_page_cache),
BENCH_KEEP_DATABASE=1 reuses the database of an earlier run (load_demo is idempotent).
"""

import os
import re
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import REDIS_URL, fetch, gunicorn, manage, production_env  # noqa: E402

DATABASE = os.environ.get("BENCH_DATABASE", "research_bench_page_cache")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TARGETS = {"article page, page cache hit": 0.60}


def prepare(env):
    if not (os.environ.get("BENCH_KEEP_DATABASE") and harness.database_exists(DATABASE)):
        harness.recreate_database(DATABASE)
    print(f"Preparing {DATABASE} (migrate, collectstatic, load_demo with 300 tokens)...", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_demo")


def page_cache_state(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers.get("X-Page-Cache")


def main():
    env = production_env(DATABASE, PAGE_CACHE_SECONDS=300, REDIS_URL=REDIS_URL, RATINGS_TOKENS=300)
    prepare(env)
    with harness.floor_server() as floor, gunicorn(env) as base:
        _, listing = fetch(f"{base}/blog/")
        article = re.search(r'href="(/blog/[a-z0-9-]+/)"', listing).group(1)
        paths = {"article page, page cache hit": article, "article index, page cache hit": "/blog/"}
        harness.warm(floor, ["/"])
        harness.warm(base, paths.values())
        for name, path in paths.items():
            state = page_cache_state(base + path)
            if state != "hit":
                raise SystemExit(f"{name} ({path}) is not answered from the page cache: X-Page-Cache {state}")
        urls = {name: base + path for name, path in paths.items()}
        print(f"Measuring {', '.join(f'{name} ({path})' for name, path in paths.items())}", flush=True)
        floors, results = harness.measure_rounds(floor, urls, ROUNDS, SECONDS)
        harness.report_rounds(floors, results, TARGETS)


if __name__ == "__main__":
    main()
