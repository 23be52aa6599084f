"""Awards under load: vote confirmations against the floor, then results with 1,000,000 votes.

Run: .venv/bin/python bench/awards.py (or `make bench ONLY=awards`). Needs PostgreSQL and Redis.

1. Load run. gunicorn (production settings, PostgreSQL, Redis cache, 2 sync workers)
   takes vote requests (GET the form, POST it) and then a stream of confirmations (the
   "Confirm my vote" button's POST to each link; opening the link is a read like any
   page and not part of this figure): distinct voters, about 10% links confirmed again
   and 5% tampered or expired links, from concurrent clients. Reports confirmed votes per
   second as a share of the floor of shared/BENCH.md (bench/floor_app.py, a bare Django
   app served by the same gunicorn command, harness.floor_server), both driven by the same
   clients (a new connection per request, as a form's POST meets gunicorn's sync workers),
   taking turns in rounds of equal size; the median of the rounds' shares and their range
   (target >= 20%), the 5xx count and the floor's non-200 answers (target 0), and checks
   that the counted votes equal the distinct verified voters exactly. BENCH_DATABASE names
   its database.
2. Scale. 1,000,000 counted votes in one category while clients keep confirming new
   votes: the results page's median time (target <= 50 ms) and how far its total trails
   the committed votes (target <= 5 s).
"""

import datetime
import http.client
import multiprocessing
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import (  # noqa: E402
    REDIS_URL,
    floor_server,
    gunicorn,
    manage,
    production_env,
    recreate_database,
)

DATABASE = os.environ.get("BENCH_DATABASE", "research_bench_awards")
VOTERS = int(os.environ.get("BENCH_AWARD_VOTERS", "4000"))
REQUESTS = int(os.environ.get("BENCH_AWARD_REQUESTS", "600"))  # vote form submissions
CLIENTS = int(os.environ.get("BENCH_AWARD_CLIENTS", "6"))
ROUNDS = int(os.environ.get("BENCH_AWARD_ROUNDS", "6"))  # floor and confirmations alternate
SCALE_VOTES = int(os.environ.get("BENCH_AWARD_SCALE_VOTES", "1000000"))
RESULTS_SAMPLES = int(os.environ.get("BENCH_AWARD_SAMPLES", "300"))
# Confirmations per second arriving during the scale run: steady traffic, not a flood that
# would only measure how long a reader queues behind voters for one of the two workers.
ARRIVALS_PER_SECOND = float(os.environ.get("BENCH_AWARD_ARRIVALS", "40"))
TARGETS = {"share_of_floor": 0.20, "results_median_ms": 50.0, "trail_seconds": 5.0}


def verdict(ok):
    return "ok" if ok else "MISSED"


# --- HTTP client: one new connection per request, as gunicorn's sync workers close them ---


def request(base, path, method="GET", body=None, headers=None):
    host = urllib.parse.urlsplit(base).netloc
    connection = http.client.HTTPConnection(host, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("Set-Cookie") or ""
    finally:
        connection.close()


def fetch_statuses(job):
    base, paths = job
    return [request(base, path)[0] for path in paths]


def csrf_pair(base, page):
    """A form token from ``page`` and the CSRF cookie it came with, as a browser keeps them."""
    _, html, cookie = request(base, page)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
    return token, re.search(r"csrftoken=([^;]+)", cookie).group(1)


def press_confirm(base, path, csrf):
    """The "Confirm my vote" button on a link's page: a POST with the page's CSRF token."""
    token, cookie = csrf
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookie}",
        "Referer": base + path,
    }
    return request(base, path, "POST", urllib.parse.urlencode({"csrfmiddlewaretoken": token}), headers)[0]


def confirm_statuses(job):
    base, page, paths = job
    csrf = csrf_pair(base, page)
    return [press_confirm(base, path, csrf) for path in paths]


def vote_submissions(job):
    """GET the category page for its CSRF token, then POST a vote: what a voter's browser does."""
    base, page, nominee_ids, emails = job
    statuses = []
    for email in emails:
        status, html, cookie = request(base, page)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie).group(1)
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "nominee": random.choice(nominee_ids), "email": email}
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Referer": base + page,
        }
        statuses.append(request(base, page, "POST", body, headers)[0])
    return statuses


def run_parallel(worker, jobs):
    """Run jobs in CLIENTS processes; returns (flat list of statuses, seconds)."""
    with multiprocessing.get_context("fork").Pool(CLIENTS) as pool:
        started = time.perf_counter()
        statuses = [status for chunk in pool.map(worker, jobs) for status in chunk]
        return statuses, time.perf_counter() - started


def split(items, parts):
    return [items[index::parts] for index in range(parts)]


def consecutive(items, parts):
    size = -(-len(items) // parts)
    return [items[start : start + size] for start in range(0, len(items), size)]


# --- Set-up, through Django in this process (signing needs the server's SECRET_KEY) ---


def setup_django(env):
    harness.setup_django(env, (*harness.DJANGO_KEYS, "REDIS_URL"))


def make_category(title, slug):
    from django.utils import timezone

    from awards.models import Category, Nominee, Program

    program, _ = Program.objects.get_or_create(slug="bench-awards", defaults={"title": "Bench Awards"})
    category = Category.objects.create(
        program=program,
        title=title,
        slug=slug,
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    for order, name in enumerate(["DePIN", "AI", "GameFi", "DeFi", "RWA", "Modularity", "Omni-chain"]):
        Nominee.objects.create(category=category, name=name, sort_order=order)
    return category, list(category.nominees.values_list("pk", flat=True))


def confirmation_paths(category, nominee_ids, voters, prefix):
    """Links for `voters` distinct voters, ~10% followed twice, ~5% tampered or expired."""
    from django.core import signing

    from awards.ballots import SALT, Ballot, keyed_hash, sign

    rng = random.Random(2024)
    valid = []
    for number in range(voters):
        ballot = Ballot.new(
            category_id=category.pk,
            nominee_id=rng.choice(nominee_ids),
            email=f"{prefix}{number}@example.org",
            ip_hash=keyed_hash("ip", f"10.0.{number // 250}.{number % 250}"),
            user_agent_hash=keyed_hash("ua", "bench"),
        )
        valid.append(f"/awards/vote/{sign(ballot)}/")
    repeats = [rng.choice(valid) for _ in range(round(voters * 0.10 / 0.85))]
    bad = []
    expired_signer = signing.TimestampSigner(salt=SALT)
    expired_signer.timestamp = lambda: signing.b62_encode(int(time.time()) - 49 * 3600)
    for number in range(round(voters * 0.05 / 0.85)):
        if number % 2:
            link = rng.choice(valid)
            cut = len("/awards/vote/") + rng.randrange(10, 60)
            bad.append(link[:cut] + ("x" if link[cut] != "x" else "y") + link[cut + 1 :])
        else:
            ballot = Ballot.new(
                category_id=category.pk,
                nominee_id=nominee_ids[0],
                email=f"late{number}@example.org",
                ip_hash="",
                user_agent_hash="",
            )
            bad.append(f"/awards/vote/{expired_signer.sign_object(asdict(ballot), compress=True)}/")
    paths = valid + repeats + bad
    rng.shuffle(paths)
    return paths, voters, len(repeats), len(bad)


def counted_votes(category_id, count_rows=True):
    """(counted vote rows, sum of tallies); just the tally sum when count_rows is False."""
    from django.db import connection

    with connection.cursor() as cursor:
        if not count_rows:
            cursor.execute(
                "SELECT coalesce(sum(t.count), 0) FROM awards_nomineetally t JOIN awards_nominee n "
                "ON n.id = t.nominee_id WHERE n.category_id = %s",
                [category_id],
            )
            return cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM awards_vote WHERE category_id = %s AND voided_at IS NULL "
            "AND replaced_at IS NULL",
            [category_id],
        )
        votes = cursor.fetchone()[0]
        cursor.execute(
            "SELECT coalesce(sum(t.count), 0) FROM awards_nomineetally t JOIN awards_nominee n "
            "ON n.id = t.nominee_id WHERE n.category_id = %s",
            [category_id],
        )
        return votes, cursor.fetchone()[0]


def seed_votes(category_id, nominee_ids, count):
    """Insert `count` counted votes in one statement, then rebuild the tallies."""
    from django.db import connection

    from awards import voting
    from awards.models import Category

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO awards_vote (category_id, nominee_id, email, email_domain, voter, token,
                                     requested_at, confirmed_at, ip_hash, user_agent_hash, void_reason)
            SELECT %s, (%s::bigint[])[1 + (i %% 13) %% %s], 'seed' || i || '@example.net', 'example.net',
                   'seed' || i || '@example.net', md5('seed' || i), now(),
                   now() - (i || ' seconds')::interval, md5('ip' || (i %% 5000)), 'bench', ''
            FROM generate_series(1, %s) AS i
            """,
            [category_id, nominee_ids, len(nominee_ids), count],
        )
        cursor.execute("ANALYZE awards_vote")
    voting.recount(Category.objects.get(pk=category_id))


# --- The two runs ---


def load_run(base, floor_base):
    category, nominee_ids = make_category("Load run", "load-run")
    page = f"/awards/bench-awards/{category.slug}/"
    emails = [f"asker{n}@example.com" for n in range(REQUESTS)]
    jobs = [(base, page, nominee_ids, part) for part in split(emails, CLIENTS)]
    form_statuses, form_seconds = run_parallel(vote_submissions, jobs)

    paths, voters, repeats, bad = confirmation_paths(category, nominee_ids, VOTERS, "voter")
    fetch_statuses((base, [page] * 4))  # warm both workers of each server
    fetch_statuses((floor_base, ["/"] * 4))
    # Floor and confirmations take turns, the same number of requests each, so that both
    # meet the same machine: a load that comes and goes cannot favour either side.
    floor_statuses, statuses, seconds, shares, floors = [], [], 0.0, [], []
    before, _ = counted_votes(category.pk)
    for number, chunk in enumerate(consecutive(paths, ROUNDS), start=1):
        floor_jobs = [(floor_base, part) for part in split(["/"] * len(chunk), CLIENTS)]
        round_floor, round_floor_seconds = run_parallel(fetch_statuses, floor_jobs)
        round_before, _ = counted_votes(category.pk)
        confirm_jobs = [(base, page, part) for part in split(chunk, CLIENTS)]
        round_statuses, round_seconds = run_parallel(confirm_statuses, confirm_jobs)
        round_votes = counted_votes(category.pk)[0] - round_before
        floors.append(len(round_floor) / round_floor_seconds)
        shares.append((round_votes / round_seconds) / floors[-1])
        print(f"round {number}: floor {floors[-1]:.0f} req/s; confirmed votes "
              f"{round_votes / round_seconds:.0f}/s ({shares[-1]:.1%})", flush=True)
        floor_statuses += round_floor
        statuses += round_statuses
        seconds += round_seconds
    votes, tallied = counted_votes(category.pk)
    new_votes = votes - before

    server_errors = sum(status >= 500 for status in statuses + form_statuses)
    floor_errors = sum(status != 200 for status in floor_statuses)
    histogram = {status: statuses.count(status) for status in sorted(set(statuses))}
    print(
        f"vote form: {REQUESTS} GET+POST pairs in {form_seconds:.1f} s "
        f"({REQUESTS / form_seconds:.0f} votes requested/s), statuses "
        f"{ {s: form_statuses.count(s) for s in sorted(set(form_statuses))} }"
    )
    print(f"floor (bare Django, 20,000 bytes) through the same {CLIENTS} clients: median "
          f"{statistics.median(floors):.0f} req/s, range {min(floors):.0f}-{max(floors):.0f}, "
          f"non-200 answers {floor_errors}")
    print(
        f"confirmation links: {len(paths)} requests ({voters} distinct voters, {repeats} repeats, "
        f"{bad} tampered or expired) in {seconds:.1f} s; statuses {histogram}"
    )
    share = statistics.median(shares)
    met = share >= TARGETS["share_of_floor"] and not server_errors and not floor_errors
    print(
        f"confirmed votes per second: {new_votes / seconds:.0f}; median {share:.1%} of the floor over "
        f"{len(shares)} alternating rounds, range {min(shares):.1%}-{max(shares):.1%} "
        f"(target >= {TARGETS['share_of_floor']:.0%} without errors: {verdict(met)})"
    )
    print(f"5xx responses: {server_errors} (target 0: {'ok' if server_errors == 0 else 'MISSED'})")
    exact = votes == voters and tallied == votes
    print(
        f"counted votes {votes}, tallies {tallied}, distinct verified voters {voters}: "
        f"{'exact' if exact else 'MISMATCH'}"
    )
    return met and exact


def scale_run(base):
    category, nominee_ids = make_category("Scale run", "scale-run")
    print(f"\nseeding {SCALE_VOTES:,} counted votes...", flush=True)
    started = time.perf_counter()
    seed_votes(category.pk, nominee_ids, SCALE_VOTES)
    print(f"seeded in {time.perf_counter() - started:.1f} s")
    results_path = f"/awards/bench-awards/{category.slug}/results/"
    links, *_ = confirmation_paths(category, nominee_ids, 20000, "late-voter")
    seeded, _ = counted_votes(category.pk)
    stop = threading.Event()

    def keep_voting(paths, rate):
        csrf = csrf_pair(base, f"/awards/bench-awards/{category.slug}/")
        started = time.perf_counter()
        for number, path in enumerate(paths):
            if stop.is_set():
                return
            time.sleep(max(0.0, started + number / rate - time.perf_counter()))
            press_confirm(base, path, csrf)

    # The truth over time: the tallies move inside each vote's transaction, so their sum is
    # the committed vote count (checked against COUNT(*) at the end).
    timeline = []

    def watch_truth():
        from django.db import connections

        while not stop.is_set():
            timeline.append((time.perf_counter(), counted_votes(category.pk, count_rows=False)))
            time.sleep(0.05)
        connections.close_all()

    threads = [threading.Thread(target=watch_truth)] + [
        threading.Thread(target=keep_voting, args=(part, ARRIVALS_PER_SECOND / 2)) for part in split(links, 2)
    ]
    for thread in threads:
        thread.start()
    samples = []
    try:
        time.sleep(1)
        for _ in range(RESULTS_SAMPLES):
            time.sleep(0.1)  # readers spread over half a minute while votes keep arriving
            asked = time.perf_counter()
            status, html, _ = request(base, results_path)
            samples.append((asked, (time.perf_counter() - asked) * 1000, status, html))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    timings = [ms for _, ms, _, _ in samples]
    trails = []
    for asked, _, status, html in samples:
        assert status == 200, status
        shown = int(re.search(rb"Total</th><td>(\d+)</td>", html).group(1))
        # The page holds at least the truth of the last moment the truth was still <= its total.
        fresh_as_of = max((at for at, count in timeline if at <= asked and count <= shown), default=None)
        trails.append(asked - fresh_as_of if fresh_as_of is not None else float("inf"))
    total, tallied = counted_votes(category.pk)
    median = statistics.median(timings)
    worst_trail = max(trails)
    p95 = statistics.quantiles(timings, n=20)[-1]
    median_ok = median <= TARGETS["results_median_ms"]
    print(
        f"results page with {total:,} counted votes while {total - seeded:,} new votes arrived "
        f"(~{ARRIVALS_PER_SECOND:.0f}/s): median {median:.1f} ms, p95 {p95:.1f} ms over {len(timings)} "
        f"requests (target <= {TARGETS['results_median_ms']:.0f} ms: {verdict(median_ok)})"
    )
    print(
        f"page counts trail the committed votes by at most {worst_trail:.2f} s, median "
        f"{statistics.median(trails):.2f} s (target <= {TARGETS['trail_seconds']:.0f} s: "
        f"{verdict(worst_trail <= TARGETS['trail_seconds'])}); "
        f"tallies {tallied:,} = votes {total:,}: {'exact' if tallied == total else 'MISMATCH'}"
    )
    return (
        median <= TARGETS["results_median_ms"]
        and worst_trail <= TARGETS["trail_seconds"]
        and tallied == total
    )


def main():
    env = production_env(
        DATABASE,
        REDIS_URL=REDIS_URL,
        PAGE_CACHE_SECONDS=300,
        AWARDS_RATE_PER_IP=10**9,  # every simulated voter comes from 127.0.0.1
        AWARDS_RATE_PER_EMAIL_DOMAIN=10**9,
        AWARDS_RATE_PER_IP_PER_EMAIL_DOMAIN=10**9,
        # Confirmation links make page-cache keys longer than memcached allows; Redis takes them.
        PYTHONWARNINGS="ignore:Cache key will cause errors",
    )
    print(f"Preparing {DATABASE} on PostgreSQL (migrate, collectstatic)...", flush=True)
    recreate_database(DATABASE)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    setup_django(env)
    print(
        f"gunicorn, 2 sync workers, production settings, PostgreSQL, Redis; {CLIENTS} client processes; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start\n"
    )
    with floor_server() as floor_base, gunicorn(env) as base:
        ok = load_run(base, floor_base)
        ok = scale_run(base) and ok
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).delete("celery")  # confirmation emails nobody will send
    except Exception as error:  # noqa: BLE001 - cleanup only
        print(f"(could not clear the bench mail queue: {error})")
    if not ok:
        raise SystemExit("awards benchmark missed a target")


if __name__ == "__main__":
    main()
