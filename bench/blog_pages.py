"""Article page and index against the framework floor, with and without the page cache.

Run: make bench  (or .venv/bin/python bench/blog_pages.py). Needs PostgreSQL, Redis, wrk.
For reference: the official Wagtail demo's blog page reached about 2% of this floor on
this machine, with 22 SQL queries per render. Ours: 10 queries per article render.
"""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import fetch, gunicorn, manage, production_env, recreate_database, report, wrk  # noqa: E402

DATABASE = "research_bench"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))


def main():
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
    env = production_env(DATABASE, PAGE_CACHE_SECONDS=0, REDIS_URL=redis_url)
    print(f"Preparing {DATABASE} on PostgreSQL (migrate, collectstatic, load_demo)...", flush=True)
    recreate_database(DATABASE)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_demo")

    results = []
    with gunicorn(env) as base:
        _, listing = fetch(f"{base}/blog/")
        article = re.search(r'href="(/blog/[a-z0-9-]+/)"', listing).group(1)
        for url in ("/healthz", article, "/blog/"):  # warm renditions and connections
            for _ in range(5):
                fetch(base + url)
        floor = wrk(f"{base}/healthz", SECONDS)
        results.append(("minimal Django view /healthz (the floor)", floor, None))
        results.append((f"article page {article}", wrk(base + article, SECONDS), 0.10))
        results.append(("article index /blog/", wrk(f"{base}/blog/", SECONDS), None))

    cached_env = production_env(DATABASE, PAGE_CACHE_SECONDS=300, REDIS_URL=redis_url)
    with gunicorn(cached_env) as base:
        for url in ("/healthz", article, "/blog/"):
            for _ in range(5):
                fetch(base + url)
        cached_floor = wrk(f"{base}/healthz", SECONDS)
        results.append(("floor again, page cache on", cached_floor, None))
        results.append(("article page, anonymous page cache (Redis)", wrk(base + article, SECONDS), 0.50))
        results.append(("article index, anonymous page cache (Redis)", wrk(f"{base}/blog/", SECONDS), None))

    print(f"\ngunicorn, 2 sync workers, production settings, PostgreSQL; wrk 1 thread 8 connections "
          f"{SECONDS}s each. Shares are of the first floor ({floor['rps']:.0f} req/s).")
    print("Reference: the official Wagtail demo blog page reached about 2% of the floor here.\n")
    report(results, floor["rps"])


if __name__ == "__main__":
    main()
