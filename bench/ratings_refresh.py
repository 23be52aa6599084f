"""Refresh benchmark: 6,000 tokens x 365 days of demo data into PostgreSQL, then one new day.

    .venv/bin/python bench/ratings_refresh.py

Creates (and afterwards drops) a scratch database `ratings_bench` on the PostgreSQL
server in BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
migrates it, and prints read / compute / write seconds for each refresh against the
limits in issue 3: full refresh <= 20 s (grades <= 2 s), daily incremental <= 10 s.
"""

import datetime
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE = "ratings_bench"
TOKENS, DAYS = 6000, 365
LIMITS = {"full": 20.0, "compute": 2.0, "incremental": 10.0}


def database_url(name):
    parts = urlsplit(SERVER_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database():
    with psycopg.connect(SERVER_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def drop_database():
    with psycopg.connect(SERVER_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def report(label, result, wall, limit):
    t = result.timings
    verdict = "ok" if wall <= limit else "OVER"
    print(
        f"{label:<28} read {t['read']:6.2f} s  compute {t['compute']:5.2f} s  write {t['write']:6.2f} s  "
        f"total {wall:6.2f} s  (limit {limit:.0f} s: {verdict}); "
        f"{result.tokens_graded} graded, {result.tokens_stale} stale"
    )


def main():
    recreate_database()
    os.environ["DATABASE_URL"] = database_url(DATABASE)
    os.environ["DJANGO_SETTINGS_MODULE"] = "research_site.settings.test"
    import django
    from django.core.management import call_command

    django.setup()
    try:
        print("Migrating a scratch database ...", flush=True)
        call_command("migrate", verbosity=0)
        from ratings.models import GradeDay, MarketDay
        from ratings.providers.demo import DemoProvider
        from ratings.refresh import refresh

        end = datetime.date.today() - datetime.timedelta(days=1)
        provider = DemoProvider()
        started = time.perf_counter()
        full = refresh(provider, end=end, days=DAYS, limit=TOKENS)
        report(f"full: {TOKENS} x {DAYS} days", full, time.perf_counter() - started, LIMITS["full"])
        compute_verdict = "ok" if full.timings["compute"] <= LIMITS["compute"] else "OVER"
        print(
            f"{'grade computation':<28} {full.timings['compute']:.2f} s "
            f"(limit {LIMITS['compute']:.0f} s: {compute_verdict})"
        )

        started = time.perf_counter()
        daily = refresh(provider, end=end + datetime.timedelta(days=1), days=1, limit=TOKENS)
        report("incremental: one new day", daily, time.perf_counter() - started, LIMITS["incremental"])

        started = time.perf_counter()
        again = refresh(provider, end=end + datetime.timedelta(days=1), days=1, limit=TOKENS)
        report("same day again (idempotent)", again, time.perf_counter() - started, LIMITS["incremental"])
        print(
            f"rows stored: {MarketDay.objects.count():,} market days, {GradeDay.objects.count():,} grade days"
        )
    finally:
        from django.db import connections

        connections.close_all()
        drop_database()


if __name__ == "__main__":
    main()
