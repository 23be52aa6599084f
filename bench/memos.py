"""What each per-process memo is worth: an uncached article page with every memo on, and
with one memo off at a time, against the floor (bench/floor_app.py) of the same run.

Run: make bench ONLY=memos. Needs PostgreSQL, Redis, wrk. Method (shared/BENCH.md): gunicorn
2 sync workers, production settings, Redis for every cache, the page cache off (fragments
on, as in production without the page cache), wrk -t2 -c16, interleaved rounds, medians.
A memo stays only if switching it off costs clearly more than the rounds' spread.
"""

import contextlib
import os
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import fetch, floor_server, gunicorn, manage, production_env, recreate_database, wrk  # noqa: E402

DATABASE = "research_bench_memos"
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
        for base in bases.values():
            for url in ("/healthz", article):
                for _ in range(3):
                    assert fetch(base + url)[0] == 200
        shares = {name: [] for name in VARIANTS}
        errors = 0
        for round_number in range(1, ROUNDS + 1):
            floor = wrk(f"{floor_base}/", SECONDS, connections=16, threads=2)
            line = [f"round {round_number}: floor {floor['rps']:.0f} req/s"]
            for name in VARIANTS:
                result = wrk(bases[name] + article, SECONDS, connections=16, threads=2)
                errors += result["errors"] + floor["errors"]
                shares[name].append(result["rps"] / floor["rps"])
                line.append(f"{name} {result['rps']:.0f} ({shares[name][-1]:.1%})")
            print("; ".join(line), flush=True)

    print(f"\nuncached article page {article}, {ROUNDS} rounds of {SECONDS} s, wrk -t2 -c16; "
          f"non-2xx: {errors}")
    with_all = statistics.median(shares["all memos on"])
    for name in VARIANTS:
        median = statistics.median(shares[name])
        label = name if name == VARIANTS[0] else f"without the {name} memo"
        change = "" if name == VARIANTS[0] else f"  ({(median - with_all) / with_all:+.0%} against all on)"
        print(f"{label:<32} median {median:6.1%} of the floor, range "
              f"{min(shares[name]):.1%}-{max(shares[name]):.1%}{change}")


if __name__ == "__main__":
    main()
