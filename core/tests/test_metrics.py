"""/metrics: what Prometheus reads, and who may read it."""

import http.client
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.urls import resolve
from django.utils import timezone

from core.tests.broker import tasks_sent_to
from core.tests.faults import RedisServer, free_port
from newsletters.models import Delivery, Send
from newsletters.tests.sending_setup import make_issue, make_newsletter, subscribe
from newsletters.tests.tracking_setup import click_url, open_url, path_of, sent_issue, wsgi_get

pytestmark = pytest.mark.django_db


def scrape(client, **extra):
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def sample(text, name, **labels):
    """The value of one sample, or None when it is not there."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    pattern = "^" + re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)$"
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(1)) if match else None


def counter(text, view):
    return sample(
        text, "django_http_requests_total_by_view_transport_method_total",
        method="GET", transport="http", view=view,
    ) or 0


def test_a_scrape_from_the_host_has_request_counters_and_the_state_of_the_site(client):
    before = counter(scrape(client), "healthz")
    for _ in range(3):
        client.get("/healthz")

    text = scrape(client)

    assert counter(text, "healthz") == before + 3
    assert sample(text, "django_http_responses_total_by_status_total", status="200") >= 3
    assert sample(text, "celery_queue_length", queue="celery") == 0
    assert sample(text, "outbox_emails", status="pending") == 0
    assert sample(text, "newsletter_sends", status="sending") == 0
    for source in ("celery_queues", "outbox", "newsletter_sends"):
        assert sample(text, "site_metrics_source_up", source=source) == 1


@pytest.mark.parametrize(
    "peer, headers",
    [
        ("203.0.113.9", {}),  # anyone on the internet
        ("127.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}),  # through nginx on this host
        ("127.0.0.1", {"HTTP_X_REAL_IP": "203.0.113.9"}),
        ("127.0.0.1", {"HTTP_FORWARDED": "for=203.0.113.9"}),
        ("203.0.113.9", {"HTTP_AUTHORIZATION": "Bearer "}),  # no token is set: an empty one is no token
    ],
    ids=["stranger", "forwarded-for", "real-ip", "forwarded", "empty-token"],
)
def test_metrics_are_an_ordinary_404_for_everyone_else(client, peer, headers):
    response = client.get("/metrics", REMOTE_ADDR=peer, **headers)

    assert response.status_code == 404
    assert b"celery_queue_length" not in response.content
    assert b"django_http" not in response.content


def test_an_allowed_network_and_a_token(client, settings):
    from research_site.settings.environment import ip_networks

    settings.METRICS_ALLOWED_IPS = ip_networks("10.0.0.0/8, ::1")
    settings.METRICS_TOKEN = "s3cret-scrape-token"

    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404  # no longer listed
    stranger = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    token = "Bearer s3cret-scrape-token"
    assert client.get("/metrics", HTTP_AUTHORIZATION=token, **stranger).status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **stranger).status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="s3cret-scrape-token", **stranger).status_code == 404


def test_queue_length_is_read_from_the_broker(client, tmp_path):
    from core.tasks import publish_scheduled_pages

    broker = RedisServer(tmp_path).start()
    try:
        with tasks_sent_to(broker.url):
            for _ in range(3):
                publish_scheduled_pages.delay()
            text = scrape(client)
            assert broker.queued() == 3
            assert sample(text, "celery_queue_length", queue="celery") == 3
            assert sample(text, "site_metrics_source_up", source="celery_queues") == 1

            broker.stop()
            text = scrape(client)
    finally:
        broker.stop()

    # A broker that is down is a source that is down; everything else still answers.
    assert sample(text, "celery_queue_length", queue="celery") is None
    assert sample(text, "site_metrics_source_up", source="celery_queues") == 0
    assert sample(text, "site_metrics_source_up", source="outbox") == 1


def test_send_progress_and_the_outbox_in_a_constant_number_of_queries(
    client, home, settings, django_assert_max_num_queries
):
    from core.models import OutboxEmail

    settings.NEWSLETTERS_SEND_ON_PUBLISH = False
    newsletter = make_newsletter(home)
    readers = subscribe(newsletter, 6)
    sends = []
    for number, status in enumerate([Send.Status.SENDING, Send.Status.WAITING, Send.Status.FINISHED]):
        issue = make_issue(newsletter, title=f"Issue {number}", slug=f"issue-{number}")
        send = Send.objects.create(issue=issue, status=status, subject="s", html="h", text="t", recipients=6)
        outcome = ["sent", "sent", "sent", "failed", "pending", "claimed"]
        Delivery.objects.bulk_create(
            Delivery(send=send, subscriber=reader, status=state)
            for reader, state in zip(readers, outcome, strict=True)
        )
        sends.append(send)
    OutboxEmail.objects.create(
        kind="x", to="ada@example.com", status=OutboxEmail.Status.FAILED, next_attempt_at=timezone.now()
    )

    with django_assert_max_num_queries(5):
        text = scrape(client)

    for send in sends[:2]:
        labels = {"send_id": send.pk}
        assert sample(text, "newsletter_send_recipients", **labels) == 6
        assert sample(text, "newsletter_send_deliveries", **labels, status="sent") == 3
        assert sample(text, "newsletter_send_deliveries", **labels, status="failed") == 1
        assert sample(text, "newsletter_send_deliveries", **labels, status="pending") == 1
        assert sample(text, "newsletter_send_deliveries", **labels, status="claimed") == 1
        assert sample(text, "newsletter_send_deliveries", **labels, status="suppressed") == 0
    # A finished send is counted, but its deliveries are no longer followed.
    assert sample(text, "newsletter_send_deliveries", send_id=sends[2].pk, status="sent") is None
    assert sample(text, "newsletter_sends", status="waiting") == 1
    assert sample(text, "newsletter_sends", status="finished") == 1
    assert sample(text, "outbox_emails", status="failed") == 1
    assert "ada@example.com" not in text


def test_opens_and_clicks_answered_ahead_of_the_middleware_are_counted_as_django_would(
    client, home, settings
):
    settings.NEWSLETTERS_TRACKING_REDIS_URL = ""  # events into the test's transaction, not Redis
    send, (delivery, *_) = sent_issue(home)
    open_path, click_path = path_of(open_url(delivery)), path_of(click_url(delivery, 2))
    opened, clicked = resolve(open_path).view_name, resolve(click_path).view_name
    before = scrape(client)

    requests = [(open_path, "GET"), (open_path, "GET"), (open_path, "HEAD"), (click_path, "GET"),
                ("/email/o/made-up.gif", "GET")]  # a bad token: handed to Django, its 404 page
    assert [wsgi_get(path, method)[0] for path, method in requests] == [200, 200, 200, 302, 404]
    after = scrape(client)

    def moved(name, **labels):
        return (sample(after, name, **labels) or 0) - (sample(before, name, **labels) or 0)

    by_status = "django_http_responses_total_by_status_view_method_total"
    assert moved(by_status, method="GET", status="200", view=opened) == 2
    assert moved(by_status, method="HEAD", status="200", view=opened) == 1
    assert moved(by_status, method="GET", status="302", view=clicked) == 1
    assert moved(by_status, method="GET", status="404", view=opened) == 1
    assert moved("django_http_responses_total_by_status_total", status="200") == 3 + 1  # and a scrape
    assert moved("django_http_requests_total_by_view_transport_method_total",
                 method="GET", transport="http", view=opened) == 3
    assert moved("django_http_requests_latency_seconds_by_view_method_count", method="GET", view=clicked) == 1
    assert moved("django_http_requests_total_by_method_total", method="HEAD") == 1
    # A scrape counts its own request before it answers, and its response after: between
    # the two, the five requests, the second's request and the first's response.
    assert moved("django_http_requests_before_middlewares_total") == len(requests) + 1
    assert moved("django_http_responses_before_middlewares_total") == len(requests) + 1
    assert moved("django_http_requests_latency_including_middlewares_seconds_count") == len(requests) + 1


# --- Several gunicorn workers, one scrape -----------------------------------------------


def get(port, path, source="127.0.0.1", headers=None):
    """A GET on a new connection from ``source`` (any 127.x address is this host's)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20, source_address=(source, 0))
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


@pytest.fixture
def gunicorn(tmp_path):
    """The site on gunicorn with two workers and production settings, reading the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn reads the test database over PostgreSQL")
    database = connection.settings_dict
    multiproc = tmp_path / "prometheus"
    multiproc.mkdir()
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name in ("PATH", "HOME", "LANG", "TMPDIR")}
    env.update(
        DJANGO_SETTINGS_MODULE="research_site.settings.production",
        SECRET_KEY="a-long-random-production-secret-" + "x9Q#" * 12,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        CACHE_DIR=str(tmp_path / "cache"),
        STATIC_ROOT=str(tmp_path / "static"),
        PROMETHEUS_MULTIPROC_DIR=str(multiproc),
        LOG_LEVEL="WARNING",
    )
    # Production's 404 page names hashed static files: it needs them collected.
    subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR, env=env, check=True, timeout=300,
    )
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "gunicorn", "research_site.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if get(port, "/healthz")[0] == 200:
                break
        except OSError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.2)
    yield port, multiproc
    process.terminate()
    process.wait(timeout=20)


def test_every_workers_requests_are_in_every_scrape(gunicorn):
    port, multiproc = gunicorn
    requests = 40
    with ThreadPoolExecutor(8) as pool:  # overlapping requests, so both workers take some
        statuses = list(pool.map(lambda _: get(port, "/healthz")[0], range(requests)))
    assert statuses == [200] * requests

    # Each worker wrote its own counts...
    assert len(list(multiproc.glob("counter_*.db"))) == 2
    # ...and whichever worker answers a scrape adds up both: the first /healthz of the
    # start-up wait counts too.
    for _ in range(4):
        status, text = get(port, "/metrics")
        assert status == 200
        assert counter(text, "healthz") >= requests + 1
        assert counter(text, "healthz") == counter(get(port, "/metrics")[1], "healthz")

    # From another address of this host, or through a proxy: nothing to see.
    assert get(port, "/metrics", source="127.0.0.2")[0] == 404
    assert get(port, "/metrics", headers={"X-Forwarded-For": "203.0.113.9"})[0] == 404
