"""Shared tools for HTTP benchmarks: a production-like server and a load generator.

The server is gunicorn with production settings on PostgreSQL (and Redis when asked),
two sync workers, on loopback. Load comes from wrk (Debian package). Every figure is
compared with the framework floor: a minimal Django view (/healthz) on the same server
set-up, measured in the same run.
"""

import contextlib
import os
import re
import secrets
import shutil
import socket
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
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


def wrk(url, seconds=10, connections=8, threads=1):
    """Requests per second and errors from wrk (one thread keeps a core for the server)."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    return {
        "rps": rps,
        "errors": int(errors.group(1)) if errors else 0,
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
