"""Newsletters: one briefing to 100,000 subscribers with two Celery worker processes, against
a plain smtplib loop into the same SMTP server.

Run: .venv/bin/python bench/newsletters.py (or `make bench ONLY=newsletters`). Needs
PostgreSQL and Redis.

1. An SMTP server (aiosmtpd) runs in its own process and counts the messages each
   recipient receives.
2. Baseline: one smtplib connection sends the same message (same bytes as a real
   newsletter email) to BASELINE_MESSAGES addresses in a loop: the server's pace.
3. The send: 100,000 confirmed subscribers in a PostgreSQL database; one issue sent by a
   Celery worker with two pool processes (production settings, Redis broker, as in the
   Procfile). Reports messages per second over the sending window as a share of the
   baseline (target >= 60%), checks that the server got exactly one message for every
   subscriber, and samples each worker process's resident memory (start vs peak).
4. Per-message costs in this process: personalising the links, building the MIME message,
   and the three ways of marking a delivery sent (Django cursor, a prepared statement,
   groups of ten), so a regression shows where it comes from.
"""

import datetime
import json
import multiprocessing
import os
import smtplib
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    PYTHON,
    ROOT,
    daily_briefing,
    free_port,
    manage,
    production_env,
    recreate_database,
    seed_subscribers,
    setup_django,
)

DATABASE = "research_bench_newsletters"
SUBSCRIBERS = int(os.environ.get("BENCH_NEWSLETTER_SUBSCRIBERS", "100000"))
BASELINE_MESSAGES = int(os.environ.get("BENCH_NEWSLETTER_BASELINE", "20000"))
BROKER_URL = os.environ.get("BENCH_NEWSLETTER_BROKER_URL", "redis://127.0.0.1:6379/8")
MARKS = 20000  # deliveries re-marked per strategy in the per-message costs
TARGETS = {"share_of_baseline": 0.60, "rss_growth_mb": 30}


def verdict(ok):
    return "ok" if ok else "MISSED"


# --- The SMTP server, in its own process ---


def serve_smtp(port, pipe):
    from aiosmtpd.controller import Controller

    counts = Counter()

    class Counting:
        async def handle_DATA(self, server, session, envelope):
            for address in envelope.rcpt_tos:
                counts[address] += 1
            return "250 Message accepted"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    pipe.send("ready")
    while True:
        command = pipe.recv()
        if command == "counts":
            pipe.send(dict(counts))
        elif command == "reset":
            counts.clear()
            pipe.send("reset")
        else:
            controller.stop()
            return


class SmtpServer:
    def __enter__(self):
        self.port = free_port()
        self.pipe, child_end = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("spawn").Process(
            target=serve_smtp, args=(self.port, child_end), daemon=True
        )
        self.process.start()
        assert self.pipe.recv() == "ready"
        return self

    def ask(self, command):
        self.pipe.send(command)
        return self.pipe.recv()

    def __exit__(self, *exc_info):
        self.pipe.send("stop")
        self.process.join(10)


def clear_queue():
    """Drop tasks an earlier, interrupted run left in the queue (only Celery's keys)."""
    import redis

    client = redis.Redis.from_url(BROKER_URL)
    client.delete("celery", "unacked", "unacked_index", *client.keys("_kombu.binding.*"))


# --- Set-up, through Django in this process ---


def make_issue():
    """The site tree, a newsletter and a briefing-sized issue (about 20 KB of HTML)."""
    from newsletters.models import NewsletterIssuePage

    newsletter = daily_briefing()
    rows = [
        {"name": f"Token {n}", "symbol": f"TK{n}", "slug": f"token-{n}", "grade": 90 - n, "change": 3 - n / 4}
        for n in range(10)
    ]

    def table(heading):
        value = {"heading": heading, "grade_label": "Trader Grade", "rows": rows}
        return {"type": "token_table", "value": value}

    def paragraph(sentence, times):
        return {"type": "paragraph", "value": "<p>" + sentence * times + "</p>"}

    body = [
        {"type": "heading", "value": "Top picks by Trader Grade"},
        paragraph("Liquid tokens with the strongest grades this morning. ", 12),
        table("Top picks"),
        table("Biggest moves up"),
        table("Biggest moves down"),
        paragraph("What moved, and why the grades followed. ", 30),
        {"type": "button", "value": {"text": "See every grade", "url": "https://example.com/ratings/"}},
    ]
    return newsletter.add_child(
        instance=NewsletterIssuePage(
            title="Briefing", slug="briefing", subject="Daily Briefing: what moved overnight",
            preheader="Top picks, biggest moves, new research.", body=json.dumps(body),
        )
    )


def frozen_send(issue):
    from newsletters.sending import sends

    return sends.freeze(issue)


def sample_message(send):
    """The bytes one subscriber's email has on the wire."""
    from newsletters.models import Subscriber
    from newsletters.sending import workers
    from newsletters.sending.delivery import EmailDelivery

    subscriber = Subscriber.objects.order_by("pk").first()
    content = workers.Content.of(send)
    # Any delivery id: a tracked message's links are as long whichever delivery they carry.
    message = workers.build_message(content, subscriber.pk, subscriber.email, delivery_id=subscriber.pk)
    return content, EmailDelivery().wire(message)


# --- Runs ---


def baseline(port, message):
    with smtplib.SMTP("127.0.0.1", port) as client:
        started = time.perf_counter()
        for number in range(BASELINE_MESSAGES):
            client.sendmail("research@example.net", [f"baseline{number}@example.org"], message)
        return BASELINE_MESSAGES / (time.perf_counter() - started)


def pool_processes(parent):
    with open(f"/proc/{parent}/task/{parent}/children") as children:
        return [int(pid) for pid in children.read().split()]


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def sample_rss(pids, stop, samples):
    while not stop.is_set():
        for pid in pids:
            samples[pid].append(rss_mb(pid)[0])
        time.sleep(0.25)


def celery_worker(env, log):
    return subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "research_site", "worker", "--concurrency=2", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", "bench@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )


def sending_window(send):
    from django.db.models import Count, Max, Min

    sent = send.deliveries.filter(status="sent")
    return sent.aggregate(first=Min("sent_at"), last=Max("sent_at"), n=Count("pk"))


def send_run(env, send):
    from celery import Celery

    from newsletters.models import Send

    log_path = ROOT / "var" / "bench-newsletters-worker.log"
    log_path.parent.mkdir(exist_ok=True)
    with log_path.open("w") as log:
        worker = celery_worker(env, log)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and len(pool_processes(worker.pid)) < 2:
                time.sleep(0.2)
            time.sleep(2)  # the pool processes finish importing
            pids = pool_processes(worker.pid)
            assert len(pids) == 2, f"expected two pool processes, found {pids}"
            rss_start = {pid: rss_mb(pid)[0] for pid in pids}
            samples = {pid: [] for pid in pids}
            stop = threading.Event()
            sampler = threading.Thread(target=sample_rss, args=(pids, stop, samples), daemon=True)
            sampler.start()
            dispatched = time.perf_counter()
            dispatcher = Celery("bench", broker=BROKER_URL, set_as_current=False)
            dispatcher.send_task("newsletters.start_send", [send.pk])
            last_report = dispatched
            while True:
                status = Send.objects.filter(pk=send.pk).values_list("status", flat=True).get()
                if status == Send.Status.FINISHED:
                    break
                if worker.poll() is not None:
                    raise SystemExit(f"the Celery worker exited; see {log_path}")
                if time.perf_counter() - last_report > 10:
                    last_report = time.perf_counter()
                    sent = send.deliveries.filter(status="sent").count()
                    print(f"  {sent:,} sent after {last_report - dispatched:.0f} s", flush=True)
                time.sleep(0.5)
            end_to_end = time.perf_counter() - dispatched
            stop.set()
            sampler.join()
            rss_peak = {pid: max(max(samples[pid]), rss_mb(pid)[1]) for pid in pids}
            rss_end = {pid: rss_mb(pid)[0] for pid in pids}
        finally:
            worker.terminate()
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    return end_to_end, pids, rss_start, rss_peak, rss_end


# --- Per-message costs, in this process ---


def per_message_costs(send, content):
    from django.db import connection

    from newsletters.models import Delivery
    from newsletters.sending import workers
    from newsletters.sending.delivery import EmailDelivery

    delivery = EmailDelivery()  # over the SMTP back end main() configures: composes, never connects
    recipients = list(send.deliveries.values_list("subscriber_id", "subscriber__email", "pk")[:2000])
    started = time.perf_counter()
    messages = [workers.build_message(content, subscriber, to, pk) for subscriber, to, pk in recipients]
    build_us = (time.perf_counter() - started) / len(recipients) * 1e6
    started = time.perf_counter()
    for message in messages:
        delivery.wire(message)
    mime_us = (time.perf_counter() - started) / len(messages) * 1e6

    ids = list(send.deliveries.order_by("pk").values_list("pk", flat=True)[:MARKS])
    # A server-side prepared statement (PostgreSQL's PREPARE), run through Django's cursor.
    prepared_sql = (
        "UPDATE newsletters_delivery SET status = 'sent', sent_at = $1, claimed_until = NULL "
        "WHERE id = $2 AND status <> 'sent'"
    )

    def reset():
        Delivery.objects.filter(pk__in=ids).update(status="claimed")

    def django_cursor():
        with connection.cursor() as cursor:
            for pk in ids:
                workers.mark_sent(cursor, pk)

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute(f"PREPARE bench_mark_sent (timestamptz, bigint) AS {prepared_sql}")
            try:
                for pk in ids:
                    now = datetime.datetime.now(datetime.UTC)
                    cursor.execute("EXECUTE bench_mark_sent (%s, %s)", [now, pk])
            finally:
                cursor.execute("DEALLOCATE bench_mark_sent")

    def groups_of_ten():
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 10):
                cursor.execute(
                    "UPDATE newsletters_delivery SET status = 'sent', sent_at = %s, claimed_until = NULL "
                    "WHERE id = ANY(%s) AND status <> 'sent'",
                    [datetime.datetime.now(datetime.UTC), ids[start : start + 10]],
                )

    marks = {}
    strategies = {
        "Django cursor, one UPDATE each (as the workers do)": django_cursor,
        "prepared statement, one UPDATE each": prepared,
        "groups of ten (WHERE id = ANY)": groups_of_ten,
    }
    with workers.commits_without_waiting_for_disk():  # as in the workers
        for name, strategy in strategies.items():
            reset()
            started = time.perf_counter()
            strategy()
            marks[name] = (time.perf_counter() - started) / len(ids) * 1e6
    return build_us, mime_us, marks


def main():
    env = production_env(
        DATABASE,
        CELERY_BROKER_URL=BROKER_URL,
        NEWSLETTERS_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        NEWSLETTERS_WORKERS=2,
        SITE_URL="https://research.example.com",
    )
    print(f"Preparing {DATABASE} on PostgreSQL (migrate, {SUBSCRIBERS:,} subscribers)...", flush=True)
    recreate_database(DATABASE)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    clear_queue()
    with SmtpServer() as server:
        env["EMAIL_PORT"] = str(server.port)
        setup_django(env)
        issue = make_issue()
        seed_subscribers(issue.get_parent().pk, SUBSCRIBERS)
        send = frozen_send(issue)
        content, message = sample_message(send)
        print(
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start (a shared machine: "
            f"figures are indicative); message size {len(message):,} bytes\n",
            flush=True,
        )

        baseline_rate = baseline(server.port, message)
        print(f"baseline: plain smtplib loop, one connection: {baseline_rate:,.0f} messages/s "
              f"over {BASELINE_MESSAGES:,} messages", flush=True)
        server.ask("reset")

        print(f"sending to {SUBSCRIBERS:,} subscribers: one Celery worker, two pool processes...", flush=True)
        end_to_end, pids, rss_start, rss_peak, rss_end = send_run(env, send)
        window = sending_window(send)
        seconds = (window["last"] - window["first"]).total_seconds()
        rate = window["n"] / seconds
        share = rate / baseline_rate
        send.refresh_from_db()
        print(
            f"send: {window['n']:,} messages in {seconds:.1f} s of sending = {rate:,.0f} messages/s = "
            f"{share:.0%} of the baseline (target >= {TARGETS['share_of_baseline']:.0%}: "
            f"{verdict(share >= TARGETS['share_of_baseline'])}); {end_to_end:.1f} s from the start task to "
            f"finished, creating the deliveries included"
        )

        counts = server.ask("counts")
        from newsletters.models import Subscriber

        emails = set(Subscriber.objects.values_list("email", flat=True))
        missing = len(emails - set(counts))
        twice = sum(1 for email in emails if counts.get(email, 0) > 1)
        strangers = len(set(counts) - emails)
        exact = missing == twice == strangers == 0 and len(counts) == SUBSCRIBERS
        print(
            f"server counts: {len(counts):,} addresses, {sum(counts.values()):,} messages; "
            f"missing {missing}, more than once {twice}, not subscribers {strangers}: "
            f"{'every subscriber exactly one message' if exact else 'MISMATCH'}"
        )
        flat = True
        for number, pid in enumerate(pids, 1):
            growth = rss_peak[pid] - rss_start[pid]
            flat = flat and growth <= TARGETS["rss_growth_mb"]
            print(
                f"worker process {number}: RSS {rss_start[pid]:.0f} MB at start, peak "
                f"{rss_peak[pid]:.0f} MB, {rss_end[pid]:.0f} MB at the end (growth {growth:+.0f} MB, "
                f"target <= {TARGETS['rss_growth_mb']} MB: {verdict(growth <= TARGETS['rss_growth_mb'])})"
            )

        build_us, mime_us, marks = per_message_costs(send, content)
        print(f"\nper message in one process: personal links {build_us:.0f} us, composing {mime_us:.0f} us")
        for name, micros in marks.items():
            print(f"  mark sent, {name}: {micros:.0f} us")
        print(
            "  (workers mark each message the moment the server accepts it: a killed worker then "
            "sends at most the message it had on the wire twice; groups of ten would allow ten)"
        )
    ok = share >= TARGETS["share_of_baseline"] and exact and flat
    if not ok:
        raise SystemExit("newsletters benchmark missed a target")


if __name__ == "__main__":
    main()
