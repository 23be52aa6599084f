"""Newsletter tracking: the open image and the click redirect against the floor, by the
method of shared/BENCH.md; then a burst of 50,000 events from 100,000 deliveries, every one
of which must be stored, once.

Run: make bench ONLY=tracking. Needs PostgreSQL, Redis, wrk. BENCH_ROUNDS (3),
BENCH_SECONDS (10), BENCH_TRACKING_DELIVERIES (100,000), BENCH_TRACKING_EVENTS (50,000).

1. A sent issue with three links to 100,000 confirmed subscribers (one delivery each,
   sent an hour ago), in a PostgreSQL database of its own.
2. gunicorn (production settings, Redis for the cache and the event buffer): rounds of
   wrk on the floor, one reader's open image and one reader's click redirect (302).
   Target: each >= 30% of the floor.
3. The wrk events are flushed (as Celery beat does) and the table emptied. The burst: wrk
   walks a list of 50,000 distinct requests (opens and clicks, spread at random over the
   100,000 deliveries, a browser's user agent) and sends each exactly once; then flush.
   Reported: events per second taken in (from the first to the last event's own time),
   events per second flushed into PostgreSQL, and the count check: every event stored
   once, none missing, none twice, unique opens and clicks as the list says.
"""

import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import REDIS_URL, gunicorn, manage, production_env  # noqa: E402

DATABASE = os.environ.get("BENCH_TRACKING_DATABASE", "research_bench_tracking")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
DELIVERIES = int(os.environ.get("BENCH_TRACKING_DELIVERIES", "100000"))
EVENTS = int(os.environ.get("BENCH_TRACKING_EVENTS", "50000"))
SITE_URL = "https://research.example.com"
BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
TARGETS = {"open image": 0.30, "click redirect": 0.30}

# Each wrk thread sends its own list of paths once, in order, counting the tracking answers
# it gets; past its last one it asks /healthz (not an event) until it is stopped.
WALK_SCRIPT = """
local counter = 0
local threads = {}
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  paths = {}
  for line in io.lines(args[1] .. "." .. id) do paths[#paths + 1] = line end
  index = 0
  answered = 0
  wrk.headers["User-Agent"] = args[2]
end
function request()
  index = index + 1
  if index <= #paths then
    return wrk.format("GET", paths[index])
  end
  return wrk.format("GET", "/healthz")
end
function response(status, headers, body)
  if status == 302 or headers["Content-Type"] == "image/gif" then
    answered = answered + 1
  end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("answered") end
  io.write(string.format("tracking answers: %d\\n", total))
end
"""

SETTINGS_FROM_ENV = (
    "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT",
    "CACHE_DIR", "REDIS_URL", "SITE_URL",
)


def setup_django(env):
    harness.setup_django(env, SETTINGS_FROM_ENV)


def sent_issue():
    """A newsletter, an issue with three links, and its send to DELIVERIES subscribers,
    every delivery sent an hour ago."""
    import json

    from django.db import connection

    from newsletters.models import NewsletterIssuePage, Send
    from newsletters.sending import sends

    newsletter = harness.daily_briefing()
    links = " ".join(
        f'<a href="{SITE_URL}/{path}/">{path}</a>' for path in ("research", "ratings", "api/keys")
    )
    issue = newsletter.add_child(
        instance=NewsletterIssuePage(
            title="Briefing", slug="briefing", subject="Daily Briefing",
            body=json.dumps([{"type": "paragraph", "value": f"<p>Read on: {links}</p>"}]),
        )
    )
    harness.seed_subscribers(newsletter.pk, DELIVERIES)
    send = sends.freeze(issue)
    sends.create_deliveries(send)
    send.deliveries.update(status="sent", sent_at=time_ago(3600))
    Send.objects.filter(pk=send.pk).update(
        status="finished", started_at=time_ago(3600), recipients=DELIVERIES
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return send


def time_ago(seconds):
    import datetime

    from django.utils import timezone

    return timezone.now() - datetime.timedelta(seconds=seconds)


def paths_for(send, delivery_id, link=None):
    from newsletters.analytics import tracking

    urls = tracking.tracking_links(send.pk, delivery_id)
    url = urls[tracking.OPEN_MARKER] if link is None else f"{urls[tracking.CLICK_MARKER]}{link}/"
    return url.removeprefix(SITE_URL)


def status_of(base, path):
    import http.client

    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
    connection.request("GET", path, headers={"User-Agent": BROWSER})
    status = connection.getresponse().status
    connection.close()
    return status


def warm(base, expected):
    for path, status in expected.items():
        for _ in range(3):
            answered = status_of(base, path)
            if answered != status:
                raise SystemExit(f"{path} answered {answered}, not {status}: not measured")


def empty_events():
    from django.db import connection

    from newsletters.analytics import recording

    started = time.perf_counter()
    flushed = recording.flush_all()
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE newsletters_trackingevent")
    return flushed, seconds


def burst_plan(send):
    """EVENTS distinct requests: (path, delivery id, link or None), spread over the deliveries."""
    delivery_ids = list(send.deliveries.values_list("pk", flat=True))
    chooser = random.Random(12)
    plan = []
    for delivery_id in chooser.sample(delivery_ids, EVENTS):
        link = None if chooser.random() < 0.7 else chooser.randint(2, 4)  # link 1 is "Read on the web"
        plan.append((paths_for(send, delivery_id, link), delivery_id, link))
    return plan


def run_burst(base, plan, buffer):
    """Send every request of the plan once through wrk; (seconds, wrk's output).

    wrk runs for a fixed time, so it is stopped (SIGINT: it still prints its summary) once
    Redis holds as many events as the plan has, or nothing has arrived for 10 s.
    """
    folder = Path(tempfile.mkdtemp(prefix="bench-tracking-"))
    script = folder / "walk.lua"
    script.write_text(WALK_SCRIPT)
    for thread in range(2):
        (folder / f"paths.{thread}").write_text("\n".join(path for path, _, _ in plan[thread::2]) + "\n")
    started = time.monotonic()
    wrk = subprocess.Popen(
        ["wrk", "-t2", "-c16", "-d3600s", "-s", str(script), base, "--", str(folder / "paths"), BROWSER],
        stdout=subprocess.PIPE, text=True,
    )
    last, last_change = -1, time.monotonic()
    while wrk.poll() is None:
        time.sleep(0.5)
        waiting = buffer.waiting()
        if waiting != last:
            last, last_change = waiting, time.monotonic()
        if waiting >= len(plan) or time.monotonic() - last_change > 10:
            time.sleep(1)  # the last answers reach wrk
            wrk.send_signal(signal.SIGINT)
            break
    output, _ = wrk.communicate(timeout=60)
    return time.monotonic() - started, output


def main():
    redis_url = os.environ.get("BENCH_TRACKING_REDIS_URL", REDIS_URL)
    env = production_env(DATABASE, REDIS_URL=redis_url, SITE_URL=SITE_URL)
    print(f"Preparing {DATABASE} (migrate, a send to {DELIVERIES:,} subscribers)...", flush=True)
    harness.recreate_database(DATABASE)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    setup_django(env)
    from django.db.models import Count, Max, Min, Q

    from newsletters.analytics import recording, reports
    from newsletters.models import TrackingEvent

    send = sent_issue()
    buffer = recording.buffer()
    buffer.client.delete(buffer.queue, buffer.inflight_index)
    reader = send.deliveries.order_by("pk").values_list("pk", flat=True)[DELIVERIES // 2]
    open_path, click_path = paths_for(send, reader), paths_for(send, reader, 2)

    with gunicorn(env) as base, harness.floor_server() as floor_base:
        warm(base, {open_path: 200, click_path: 302})
        print(f"open image: {open_path}\nclick redirect: {click_path} (302 to {SITE_URL}/research/)\n",
              flush=True)
        floors, results = harness.measure_rounds(
            floor_base, {"open image": base + open_path, "click redirect": base + click_path}, ROUNDS, SECONDS
        )
        harness.report_rounds(floors, results, TARGETS)

        flushed, seconds = empty_events()
        print(f"\nflushed the {flushed:,} events of the rounds in {seconds:.1f} s "
              f"({flushed / max(seconds, 1e-9):,.0f} events/s into PostgreSQL)", flush=True)

        plan = burst_plan(send)
        print(f"\nburst: {len(plan):,} distinct events over {DELIVERIES:,} deliveries "
              f"({sum(1 for _, _, link in plan if link is None):,} opens, "
              f"{sum(1 for _, _, link in plan if link is not None):,} clicks)...", flush=True)
        wrk_seconds, output = run_burst(base, plan, buffer)
        waiting = buffer.waiting()

    errors = [line.strip() for line in output.splitlines() if "Non-2xx" in line or "Socket errors" in line]
    answered = int(re.search(r"tracking answers: (\d+)", output).group(1))
    stored_before = TrackingEvent.objects.count()
    started = time.perf_counter()
    flushed = recording.flush_all()
    flush_seconds = time.perf_counter() - started
    events = TrackingEvent.objects.filter(send=send)
    span = events.aggregate(first=Min("at"), last=Max("at"))
    intake_seconds = (span["last"] - span["first"]).total_seconds() if span["first"] else 0
    stored = events.count()
    distinct_ids = events.values("event_id").distinct().count()
    expected = {(delivery, link) for _, delivery, link in plan}
    got = set(events.values_list("delivery", "link__number"))
    opened = {delivery for _, delivery, _ in plan}
    figures = reports.figures_for_sends([send.pk])[send.pk]
    by_kind = dict(events.values_list("kind").annotate(n=Count("id")))
    human = events.filter(Q(machine=False)).count()

    print(f"wrk ran {wrk_seconds:.0f} s (stopped once Redis held every listed event); "
          f"{'; '.join(errors) or 'no socket errors, no non-2xx/3xx answers'}")
    print(f"waiting in Redis after the burst: {waiting:,}; stored before the flush: {stored_before:,}")
    print(f"intake: {stored:,} events between the first and the last event's own time, "
          f"{intake_seconds:.1f} s = {stored / max(intake_seconds, 1e-9):,.0f} events/s "
          "through gunicorn (2 sync workers) into Redis")
    print(f"flush: {flushed:,} events into PostgreSQL in {flush_seconds:.1f} s = "
          f"{flushed / max(flush_seconds, 1e-9):,.0f} events/s "
          f"(one process, batches of {recording.BATCH_SIZE:,})")
    # Every request the server answered must be stored, once; a listed request wrk never
    # sent (it may leave the odd one when it stops) is reported, not counted as lost.
    unsent = len(plan) - answered
    answered_opens = len(opened) - len({delivery for delivery, _ in expected - got})
    exact = (
        stored == answered == distinct_ids
        and not got - expected
        and len(expected - got) == unsent
        and figures.all_opens == figures.human_opens == answered_opens
        and figures.unique_clicks == len({delivery for delivery, link in got if link is not None})
    )
    print(f"count check: listed {len(plan):,}, not sent by wrk {unsent:,}, answered by the server "
          f"{answered:,}, stored {stored:,} ({by_kind.get('open', 0):,} opens, "
          f"{by_kind.get('click', 0):,} clicks; {human:,} judged a reader's), "
          f"distinct event ids {distinct_ids:,}, answered but not stored {answered - stored:,}, "
          f"unexpected {len(got - expected):,}; unique opens {figures.all_opens:,} "
          f"(expected {answered_opens:,}), unique clicks {figures.unique_clicks:,}: "
          f"{'every answered event stored exactly once' if exact else 'MISMATCH'}")
    if not exact:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
