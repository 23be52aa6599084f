"""The edge cache: an article served by Varnish (deploy/varnish/default.vcl) in front of the
site, against the floor; and how long a publish takes to show through Varnish.

Run: make bench ONLY=edge. Needs PostgreSQL, Redis, wrk and varnishd. Method
(shared/BENCH.md): the floor is a bare Django app (no middleware, one view returning
20,000 bytes) under the same gunicorn command as the site (2 sync workers, production
settings, PostgreSQL, Redis for every cache); wrk -t2 -c16 -d10s; interleaved rounds, each
measuring the floor, then the article through Varnish, then the same article from the
site's own page cache; medians and ranges as shares of each round's floor. Target: the
article through Varnish at least 8x the floor with no errors; a publish visible through
Varnish within 1 s (median of five publishes, each timed from the publish call to the
first read through Varnish that shows it).
"""

import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import (  # noqa: E402
    PYTHON,
    ROOT,
    fetch,
    floor_server,
    free_port,
    gunicorn,
    manage,
    production_env,
    recreate_database,
)

DATABASE = "research_bench_edge"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
PUBLISHES = 5
TARGET_SHARE = 8.0  # the article through Varnish, as a multiple of the floor
TARGET_VISIBLE = 1.0  # seconds from a publish to its page through Varnish
VCL_FOLDER = ROOT / "deploy" / "varnish"


@contextlib.contextmanager
def varnish(backend_port, port, folder):
    """varnishd running the shipped VCL, its backends.vcl pointing at the site."""
    binary = shutil.which("varnishd", path=f"{os.environ.get('PATH', '')}:/usr/sbin")
    if not binary:
        raise SystemExit("varnishd is not installed: apt-get install varnish")
    (folder / "backends.vcl").write_text(
        f"""
probe healthz {{
    .request = "GET /healthz HTTP/1.1" "Host: 127.0.0.1" "Connection: close";
    .interval = 2s; .timeout = 1s; .window = 3; .threshold = 2;
}}
backend site {{ .host = "127.0.0.1"; .port = "{backend_port}"; .probe = healthz; }}
sub vcl_init {{ new app = directors.round_robin(); app.add_backend(site); }}
acl purgers {{ "127.0.0.1"; }}
"""
    )
    process = subprocess.Popen(
        [binary, "-F", "-j", "none", "-n", str(folder / "work"), "-a", f"127.0.0.1:{port}",
         "-f", str(VCL_FOLDER / "default.vcl"), "-p", f"vcl_path={folder}:{VCL_FOLDER}",
         "-s", "malloc,256m", "-T", "none"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    with harness.serving(process, port, "varnishd") as base:
        yield base


def wrk(url):
    """Requests per second, and non-2xx answers plus socket errors, from wrk -t2 -c16."""
    output = subprocess.run(["wrk", "-t2", "-c16", f"-d{SECONDS}s", url],
                            capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(map(int, sockets.groups())) if sockets else 0
    return {"rps": rps, "errors": errors}


def cache_state(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers.get("X-Cache"), response.read().decode()


def publish_latency(env, edge_url, pk):
    """Seconds from the publish call to the first read through Varnish showing the new title."""
    title = f"Edge bench {time.time_ns()}"
    seen = {}

    def watch():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if title in cache_state(edge_url)[1]:
                seen["at"] = time.time()
                return
            time.sleep(0.01)

    assert cache_state(edge_url)[0] in ("HIT", "MISS")
    watcher = threading.Thread(target=watch)
    watcher.start()
    code = (
        "import time; from blog.models import ArticlePage; "
        f"page = ArticlePage.objects.get(pk={pk}); page.title = {title!r}; "
        "started = time.time(); page.save_revision().publish(); print(started)"
    )
    started = float(manage_output(env, code))
    watcher.join()
    return seen["at"] - started if "at" in seen else None


def share_line(label, shares):
    return (f"{label:<40} median {statistics.median(shares):7.0%} of the floor, "
            f"range {min(shares):.0%}-{max(shares):.0%}")


def main():
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
    with contextlib.ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="bench-edge-"))
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        varnish_port = free_port()  # the site purges it, so it must know it before Varnish starts
        loading = production_env(DATABASE, REDIS_URL=redis_url, RATINGS_TOKENS=300)
        print(f"Preparing {DATABASE} on PostgreSQL (migrate, collectstatic, load_demo)...", flush=True)
        recreate_database(DATABASE)
        manage(loading, "migrate", "--noinput")
        manage(loading, "collectstatic", "--noinput")
        manage(loading, "load_demo")
        # Readers reach the site at Varnish's address: the host the app bans (SITE_URL's).
        env = {
            **loading, "FRONTEND_CACHE": "varnish", "VARNISH_PURGE_URLS": f"http://127.0.0.1:{varnish_port}",
            "SITE_URL": f"http://127.0.0.1:{varnish_port}",
        }

        floor_base = stack.enter_context(floor_server())
        site_base = stack.enter_context(gunicorn(env))
        edge_base = stack.enter_context(varnish(site_base.rsplit(":", 1)[1], varnish_port, folder))

        _, listing = fetch(f"{site_base}/blog/")
        article = re.search(r'href="(/blog/[a-z0-9-]+/)"', listing).group(1)
        urls = {"floor": f"{floor_base}/", "edge": edge_base + article}
        urls["page cache"] = site_base + article
        for url in urls.values():
            for _ in range(3):
                assert fetch(url)[0] == 200, url
        assert cache_state(urls["edge"])[0] == "HIT"

        shares = {"edge": [], "page cache": []}
        errors = 0
        for round_number in range(1, ROUNDS + 1):
            floor = wrk(urls["floor"])
            errors += floor["errors"]
            line = [f"round {round_number}: floor {floor['rps']:.0f} req/s"]
            for name in shares:
                result = wrk(urls[name])
                errors += result["errors"]
                shares[name].append(result["rps"] / floor["rps"])
                line.append(f"{name} {result['rps']:.0f} ({shares[name][-1]:.0%})")
            print("; ".join(line), flush=True)

        slug = article.rstrip("/").rsplit("/", 1)[-1]
        find = f"from blog.models import ArticlePage; print(ArticlePage.objects.get(slug={slug!r}).pk)"
        pk = manage_output(env, find)
        latencies = [publish_latency(env, urls["edge"], int(pk)) for _ in range(PUBLISHES)]

    print(f"\narticle {article}, {ROUNDS} rounds of {SECONDS} s, wrk -t2 -c16; "
          f"non-2xx answers and socket errors: {errors}")
    print(share_line("article through Varnish", shares["edge"]))
    print(share_line("article from the site's page cache", shares["page cache"]))
    edge_median = statistics.median(shares["edge"])
    verdict = "ok" if edge_median >= TARGET_SHARE and not errors else "MISSED"
    print(f"target: through Varnish >= {TARGET_SHARE:.0%} of the floor with no errors: {verdict}")
    shown = [latency for latency in latencies if latency is not None]
    print(f"publish to visible through Varnish ({PUBLISHES} publishes): "
          + ", ".join("never" if latency is None else f"{latency:.3f} s" for latency in latencies))
    visible = len(shown) == PUBLISHES and statistics.median(shown) < TARGET_VISIBLE
    print(f"target: median under {TARGET_VISIBLE:.0f} s: {'ok' if visible else 'MISSED'}"
          + (f" (median {statistics.median(shown):.3f} s, max {max(shown):.3f} s)" if shown else ""))


def manage_output(env, code):
    return subprocess.run([PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]


if __name__ == "__main__":
    main()
