"""Two app hosts: a published article through nginx with both hosts behind it and with one,
and the same through Varnish in front of that nginx.

Run: make bench ONLY=two_hosts. Needs what the stack tests need (PostgreSQL, nginx,
redis-server, varnishd, moto from requirements-dev.txt) and wrk. The servers are the
stack tests' two-host stack (research_site/tests/stack/two_hosts.py): two gunicorns (2 sync
workers each, production settings), each with a working folder of its own, one PostgreSQL
database, one Redis for every cache, uploads in a local S3 server, nginx handing requests
to the hosts in turn, and Varnish (deploy/varnish/default.vcl) in front of nginx. "Host A
alone" is the same nginx reloaded with host A as its only upstream; host B keeps running.

Method (shared/BENCH.md): wrk -t2 -c16 -d10s; interleaved rounds, each measuring the floor
(a bare Django app under the same gunicorn command) and then: nginx to both hosts, Varnish
to nginx to both, nginx to host A alone, Varnish to nginx to host A alone; medians, ranges
and every error, each figure also as a share of its round's floor; then the ratio of both
hosts to one, round by round.

This machine has 2 cores, shared by wrk, nginx, Varnish and every gunicorn worker. A second
host here adds processes but no CPU, so both hosts are not expected to answer more than one:
the figure shows what spreading requests over two hosts costs, not what a second machine
would add. Through Varnish a cached article never reaches a host at all.
"""

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from harness import floor_server, measure_rounds, report_rounds  # noqa: E402

from research_site.tests.stack.harness import HOST, missing_tools  # noqa: E402
from research_site.tests.stack.two_hosts import TwoHostStack, missing_s3_server  # noqa: E402
from research_site.tests.stack.varnish import missing_varnish  # noqa: E402

ROUNDS, SECONDS = 3, 10
# Production's periods for beat's housekeeping: the stack tests' short ones would keep both
# hosts' workers busy while wrk runs.
QUIET = {"OUTBOX_RETRY_SECONDS": "60", "NEWSLETTERS_RESUME_SECONDS": "60"}
PAIRS = (("nginx", "nginx, both hosts", "nginx, host A alone"),
         ("Varnish", "Varnish, both hosts", "Varnish, host A alone"))


def route(stack, path, hosts):
    """nginx reloaded to send requests to `hosts` only; returns once it does."""
    ports = [stack.ports["gunicorn" if host == "a" else "gunicorn_b"] for host in hosts]
    stack.route_to(ports)
    deadline = time.monotonic() + 15
    while {stack.host_of(stack.client().get(path)) for _ in range(6)} != set(hosts):
        if time.monotonic() > deadline:
            raise SystemExit(f"nginx did not switch to hosts {hosts}")
        time.sleep(0.2)


def main():
    reason = missing_tools() or missing_varnish() or missing_s3_server()
    if reason:
        raise SystemExit(reason)
    folder = Path(tempfile.mkdtemp(prefix="bench-two-hosts-"))
    stack = TwoHostStack(folder)
    for env in (stack.env, stack.env_b):
        env.update(QUIET)
    try:
        print("Starting two hosts (migrate, collectstatic on each, load_demo, S3, nginx, Varnish)...",
              flush=True)
        stack.start()
        path, _ = stack.published_article()
        for client in (stack.client(), stack.edge_client()):
            for _ in range(3):
                answer = client.get(path)
                if answer.status != 200:
                    raise SystemExit(f"{path} answered {answer.status}: not measured")
        if stack.edge_client().get(path).headers["X-Cache"] != "HIT":
            raise SystemExit("Varnish does not keep the article: not measured")
        nginx = f"http://127.0.0.1:{stack.ports['nginx']}{path}"
        edge = f"http://127.0.0.1:{stack.ports['varnish']}{path}"
        urls = {"nginx, both hosts": nginx, "Varnish, both hosts": edge,
                "nginx, host A alone": nginx, "Varnish, host A alone": edge}
        before = {"nginx, both hosts": lambda: route(stack, path, ["a", "b"]),
                  "nginx, host A alone": lambda: route(stack, path, ["a"])}
        with floor_server() as floor:
            floors, results = measure_rounds(
                floor, urls, ROUNDS, SECONDS, headers={"Host": HOST}, before=before
            )
        print(f"\narticle {path} (Host: {HOST}); both hosts: 2 gunicorns x 2 workers; one: 1 x 2")
        report_rounds(floors, results)
        for through, both, one in PAIRS:
            ratios = [b["rps"] / a["rps"] for b, a in zip(results[both], results[one], strict=True)]
            print(f"{through}: both hosts / host A alone, round by round: "
                  f"median {statistics.median(ratios):.2f}, range {min(ratios):.2f}-{max(ratios):.2f}")
    finally:
        stack.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
