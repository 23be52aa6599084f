"""What each per-process memo is worth: an uncached article page with every memo on, and
with one memo off at a time, against the floor (bench/floor_app.py) of the same run.

Run: make bench ONLY=memos. Needs PostgreSQL, Redis, wrk. Method (shared/BENCH.md): gunicorn
2 sync workers, production settings, Redis for every cache, the page cache off (fragments
on, as in production without the page cache), wrk -t2 -c16, interleaved rounds
(harness.measure_rounds), medians and ranges as shares of each round's floor, errors
reported. BENCH_DATABASE names its database.
A memo stays only if switching it off costs clearly more than the rounds' spread.
"""

import contextlib
import os
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import fetch, floor_server, gunicorn, manage, production_env, recreate_database  # noqa: E402

DATABASE = os.environ.get("BENCH_DATABASE", "research_bench_memos")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
VARIANTS = ["all memos on", "routes", "sites", "restrictions"]


def main():
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
    env = production_env(DATABASE, PAGE_CACHE_SECONDS=0, REDIS_URL=redis_url, RATINGS_TOKENS=300)
    print(f"Preparing {DATABASE} on PostgreSQL (migrate, collectstatic, load_demo)...", flush=True)
    recreate_database(DATABASE)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_demo")

    with contextlib.ExitStack() as stack:
        floor_base = stack.enter_context(floor_server())
        bases = {"all memos on": stack.enter_context(gunicorn(env))}
        for name in VARIANTS[1:]:
            variant_env = {**env, "BENCH_WITHOUT_MEMO": name}
            server = gunicorn(variant_env, app="bench.wsgi_without_memo:application")
            bases[name] = stack.enter_context(server)
        _, listing = fetch(f"{bases['all memos on']}/blog/")
        article = re.search(r'href="(/blog/[a-z0-9-]+/)"', listing).group(1)
        harness.warm(floor_base, ["/"])
        for base in bases.values():
            harness.warm(base, ["/healthz", article])
        labels = {name: name if name == VARIANTS[0] else f"without the {name} memo" for name in VARIANTS}
        urls = {labels[name]: bases[name] + article for name in VARIANTS}
        print(f"Measuring the uncached article page {article}", flush=True)
        floors, results = harness.measure_rounds(floor_base, urls, ROUNDS, SECONDS)

    harness.report_rounds(floors, results)
    with_all = statistics.median(row["share"] for row in results[labels[VARIANTS[0]]])
    print("\nAgainst all memos on (a memo stays only if switching it off costs clearly more than the "
          "rounds' spread):")
    for name in VARIANTS[1:]:
        median = statistics.median(row["share"] for row in results[labels[name]])
        print(f"{labels[name]:<32} {(median - with_all) / with_all:+.0%}")


if __name__ == "__main__":
    main()
