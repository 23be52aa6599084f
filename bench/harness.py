"""Shared tools for HTTP benchmarks, by the one method of shared/BENCH.md.

The server is gunicorn with production settings on PostgreSQL (and Redis when asked),
two sync workers, on loopback. Load comes from wrk (Debian package), -t2 -c16. Every
figure is a share of the floor: a bare Django app (bench/floor_app.py: no middleware, one
view answering 20,000 bytes) served by the same gunicorn command, measured in every round
(measure_rounds), so that background load hits floor and pages alike.
"""

import contextlib
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
BENCH_CACHE_DIR = ROOT / "var" / "bench" / "cache"


def production_env(database, **extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "research_site.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback
        "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
        # Without Redis, the file cache: never the folders of `make run` (var/cache).
        "CACHE_DIR": str(BENCH_CACHE_DIR),
        "LOG_LEVEL": "WARNING",
    }
    env.update({key: str(value) for key, value in extra.items()})
    return env


def recreate_database(name):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_exists(name):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env, workers=2, app="research_site.wsgi:application"):
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", app,
            "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    with serving(process, port, "gunicorn") as base:
        yield base


@contextlib.contextmanager
def serving(process, port, name):
    """The base URL of a server process once its /healthz answers; stopped afterwards."""
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"{name} did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextlib.contextmanager
def floor_server():
    """The floor of shared/BENCH.md, served by the same gunicorn command as the site."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    with gunicorn(env, app="bench.floor_app:application") as base:
        yield base


def warm(base, paths):
    """Three requests to each path, each answering 200 (BENCH.md), before any measuring."""
    for path in paths:
        for _ in range(3):
            status, _ = fetch(base + path)
            if status != 200:
                raise SystemExit(f"{path} answered {status}: not measured")


def measure_rounds(floor_base, urls, rounds=3, seconds=10, headers=None, before=None):
    """Rounds of wrk -t2 -c16: in each, the floor and then every URL.

    ``urls`` maps a name to a full URL; ``headers`` go with every request (the floor's
    too); ``before`` maps a name to what to do before each measure of it (set up the
    servers). Returns (floor results, {name: results}), one result per round, each with
    its share of that round's floor.
    """
    floors, results = [], {name: [] for name in urls}
    before = before or {}
    for number in range(1, rounds + 1):
        floor = wrk(f"{floor_base}/", seconds, connections=16, threads=2, headers=headers)
        floors.append(floor)
        line = [f"round {number}: floor {floor['rps']:.0f} req/s"]
        for name, url in urls.items():
            if name in before:
                before[name]()
            result = wrk(url, seconds, connections=16, threads=2, headers=headers)
            result["share"] = result["rps"] / floor["rps"]
            results[name].append(result)
            line.append(f"{name} {result['rps']:.0f} ({result['share']:.1%})")
        print("; ".join(line), flush=True)
    return floors, results


def report_rounds(floors, results, targets=None):
    """Medians and min-max ranges in req/s and as shares of each round's floor; errors
    (non-2xx, socket errors) in full; a target counts as met only without any error."""
    targets = targets or {}
    floor_rps = [floor["rps"] for floor in floors]
    floor_errors = sum(floor["errors"] + floor["socket_errors"] for floor in floors)
    print(f"\n{len(floors)} rounds, wrk -t2 -c16; floor (bare Django, 20,000 bytes) median "
          f"{statistics.median(floor_rps):.0f} req/s, range {min(floor_rps):.0f}-{max(floor_rps):.0f}, "
          f"errors {floor_errors}; "
          f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"{'what':<40} {'req/s':>7} {'range':>11} {'of floor':>9} {'range':>13} {'p50 ms':>7} "
          f"{'errors':>6}  target")
    for name, rows in results.items():
        rps = [row["rps"] for row in rows]
        shares = [row["share"] for row in rows]
        errors = sum(row["errors"] + row["socket_errors"] for row in rows)
        share = statistics.median(shares)
        target = targets.get(name)
        verdict = ""
        if target is not None:
            met = share >= target and not errors and not floor_errors
            verdict = f">= {target:.0%} {'ok' if met else 'MISSED'}"
        print(
            f"{name:<40} {statistics.median(rps):>7.0f} {min(rps):>5.0f}-{max(rps):<5.0f} {share:>9.1%} "
            f"{min(shares):>6.1%}-{max(shares):<6.1%} "
            f"{statistics.median(row['p50_ms'] or 0 for row in rows):>7.1f} "
            f"{errors:>6}  {verdict}"
        )


def fetch(url):
    # Generous: a first, cold render on a loaded machine may take seconds; nothing is timed here.
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.status, response.read().decode()


def wrk(url, seconds=10, connections=8, threads=1, headers=None):
    """Requests per second and errors from wrk (one thread keeps a core for the server)."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    sent = [option for name, value in (headers or {}).items() for option in ("-H", f"{name}: {value}")]
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", *sent, url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    return {
        "rps": rps,
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(map(int, sockets.groups())) if sockets else 0,
        "p50_ms": float(p50.group(1)) * scale[p50.group(2)] if p50 else None,
    }


def report(rows, floor_rps):
    """Print a table of results as req/s and as a share of the floor."""
    print(f"{'what':<44} {'req/s':>9} {'of floor':>9} {'p50 ms':>8} {'non-2xx':>8}  target")
    for name, result, target in rows:
        share = result["rps"] / floor_rps
        verdict = "" if target is None else f">= {target:.0%} {'ok' if share >= target else 'MISSED'}"
        print(
            f"{name:<44} {result['rps']:>9.1f} {share:>9.1%} {result['p50_ms'] or 0:>8.2f} "
            f"{result['errors']:>8}  {verdict}"
        )


DJANGO_KEYS = ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT")


def setup_django(env, keys=(*DJANGO_KEYS, "CACHE_DIR")):
    """Django in this process, on the same settings as the bench's servers (`env` from
    production_env; `keys` are the variables taken from it)."""
    import django

    for key in keys:
        os.environ[key] = env[key]
    sys.path.insert(0, str(ROOT))
    django.setup()


# --- Newsletter set-up, through Django in this process (after setup_django) ---


def daily_briefing():
    """The site tree and an empty Daily Briefing newsletter page to add issues to."""
    from wagtail.models import Page, Site

    from blog.models import HomePage
    from newsletters.models import NewsletterIndexPage, NewsletterPage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Token Research", slug="bench-home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "127.0.0.1", "port": 80, "root_page": home}
    )
    index = home.add_child(instance=NewsletterIndexPage(title="Newsletters", slug="newsletters"))
    return index.add_child(
        instance=NewsletterPage(title="Daily Briefing", slug="daily-briefing", description="Every morning.")
    )


def seed_subscribers(newsletter_id, count):
    """`count` confirmed readers (reader<i>@example.net), all subscribed to the newsletter."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO newsletters_subscriber (email, status, status_reason, status_changed_at, created_at,
                                                confirmed_at, ip_hash)
            SELECT 'reader' || i || '@example.net', 'confirmed', '', now(), now(), now(), ''
            FROM generate_series(1, %s) AS i
            """,
            [count],
        )
        cursor.execute(
            """
            INSERT INTO newsletters_subscription (subscriber_id, newsletter_id, created_at)
            SELECT id, %s, now() FROM newsletters_subscriber
            """,
            [newsletter_id],
        )
        cursor.execute("ANALYZE")
