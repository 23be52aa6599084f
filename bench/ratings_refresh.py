"""Refresh benchmark: 6,000 tokens x 365 days of demo data into PostgreSQL, then one new day.

    .venv/bin/python bench/ratings_refresh.py

Creates (and afterwards drops) a scratch database `ratings_bench` on the PostgreSQL
server in BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
migrates it, and prints read / compute / write seconds for each refresh against the
limits in issue 3: full refresh <= 20 s (grades <= 2 s), daily incremental <= 10 s.

Issue 13 adds the I/O floor: after the full refresh, the rows it stored (market days,
grade days, risk days) are copied out of PostgreSQL and into empty tables of the same
shape (keys and indexes, logged, as the refresh must write them) with binary COPY, in the
same run. The full refresh (risk figures, track record
and market overview included) must stay within 1.3x of that floor, with compute at most
20% of its total.
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
FLOOR_RATIO, COMPUTE_SHARE = 1.3, 0.20
FLOOR_TABLES = ("ratings_marketday", "ratings_gradeday", "ratings_riskday")


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


def io_floor():
    """Seconds to COPY every stored row out (binary) and into an empty table of the same
    shape: a logged table with the same columns, keys and indexes (foreign keys aside, as
    the refresh drops them for a bulk load). Also the seconds into a bare temporary table
    (no indexes, no WAL), printed for comparison."""
    from django.db import connection

    out_seconds = in_seconds = bare_seconds = 0.0
    with connection.cursor() as cursor:
        for table in FLOOR_TABLES:
            started = time.perf_counter()
            with cursor.copy(f"COPY {table} TO STDOUT (FORMAT BINARY)") as copy:
                payload = b"".join(bytes(block) for block in copy)
            out_seconds += time.perf_counter() - started
            in_seconds += copy_in(cursor, table, payload, like=f"{table} INCLUDING ALL")
            bare_seconds += copy_in(cursor, table, payload, like=table, temporary=True)
    return out_seconds, in_seconds, bare_seconds


def copy_in(cursor, table, payload, *, like, temporary=False):
    """Seconds to COPY `payload` into a new table made LIKE `like`, dropped after."""
    floor = f"floor_{table}"
    cursor.execute(f"CREATE {'TEMPORARY ' if temporary else ''}TABLE {floor} (LIKE {like})")
    started = time.perf_counter()
    with cursor.copy(f"COPY {floor} FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(payload)
    seconds = time.perf_counter() - started
    cursor.execute(f"DROP TABLE {floor}")
    return seconds


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
        full_wall = time.perf_counter() - started
        report(f"full: {TOKENS} x {DAYS} days", full, full_wall, LIMITS["full"])
        copy_out, copy_in, copy_bare = io_floor()
        floor = copy_out + copy_in
        ratio = full_wall / floor
        share = full.timings["compute"] / full_wall
        print(
            f"{'I/O floor (same run)':<28} COPY out {copy_out:5.2f} s + in {copy_in:5.2f} s "
            f"= {floor:6.2f} s (into a bare temporary table instead: {copy_bare:.2f} s); "
            f"refresh {full_wall:.2f} s = {ratio:.2f}x the floor (limit {FLOOR_RATIO}x: "
            f"{'ok' if ratio <= FLOOR_RATIO else 'OVER'})"
        )
        print(
            f"{'split of the full refresh':<28} read {full.timings['read']:.2f} s, compute "
            f"{full.timings['compute']:.2f} s ({share:.0%}, limit {COMPUTE_SHARE:.0%}: "
            f"{'ok' if share <= COMPUTE_SHARE else 'OVER'}), write {full.timings['write']:.2f} s; of which "
            f"risk/track record/market: read {full.report_timings['read']:.2f} s, compute "
            f"{full.report_timings['compute']:.2f} s, write {full.report_timings['write']:.2f} s"
        )
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
