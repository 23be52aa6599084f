"""Ratings pages and /api/v1/grades/ (100 rows) against the framework floor.

Run: make bench ONLY=ratings_api  (or .venv/bin/python bench/ratings_api.py).
Needs PostgreSQL and wrk. Loads 6,000 demo tokens with 120 days of grades first.
Target from issue 3: /api/v1/grades/?page_size=100 at least 15% of the floor. The
endpoint caches its answers until the next refresh (grades change daily), so the figure
with the cache off is printed too.
"""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import REDIS_URL, fetch, gunicorn, manage, production_env, recreate_database, report, wrk  # noqa: E402

DATABASE = "ratings_api_bench"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))


def main():
    # A limit no benchmark reaches, so the throttle runs (as in production) but never refuses.
    env = production_env(
        DATABASE, PAGE_CACHE_SECONDS=0, REDIS_URL=REDIS_URL, API_RATE_ANONYMOUS="100000000/minute"
    )
    print(f"Preparing {DATABASE} on PostgreSQL (migrate, collectstatic, 6,000 tokens, 120 days)", flush=True)
    recreate_database(DATABASE)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "refresh_ratings", "--provider", "demo", "--tokens", "6000", "--days", "120")

    results = []
    with gunicorn(env) as base:
        _, table = fetch(f"{base}/ratings/")
        token = re.search(r'href="(/ratings/(?!top/|methodology/)[a-z0-9-]+/)"', table).group(1)
        urls = ["/healthz", "/api/v1/grades/?page_size=100", "/ratings/", token]
        for url in urls:  # warm connections and caches
            for _ in range(5):
                fetch(base + url)
        floor = wrk(f"{base}/healthz", SECONDS)
        results.append(("minimal Django view /healthz (the floor)", floor, None))
        results.append(("/api/v1/grades/?page_size=100", wrk(base + urls[1], SECONDS), 0.15))
        results.append(("token table /ratings/ (50 rows)", wrk(base + urls[2], SECONDS), None))
        results.append((f"token page {token}", wrk(base + token, SECONDS), None))

    # The same endpoint with its response cache off: every request queries and serialises.
    with gunicorn({**env, "API_CACHE_SECONDS": "0"}) as base:
        for _ in range(5):
            fetch(base + urls[1])
        results.append(("/api/v1/grades/?page_size=100, cache off", wrk(base + urls[1], SECONDS), None))

    print(
        f"\ngunicorn, 2 sync workers, production settings, PostgreSQL; wrk 1 thread 8 connections "
        f"{SECONDS}s each. Shares are of the floor ({floor['rps']:.0f} req/s)."
    )
    report(results, floor["rps"])


if __name__ == "__main__":
    main()
