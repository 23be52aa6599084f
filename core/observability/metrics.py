"""Prometheus metrics at /metrics, for the scraper only.

Who may read them: a request straight from an address in METRICS_ALLOWED_IPS (the socket's
peer, REMOTE_ADDR, never a header; a request that came through a proxy, i.e. carries
X-Forwarded-For, Forwarded or X-Real-IP, is never taken as local, since behind nginx every
visitor's socket peer is nginx on 127.0.0.1), or any request with
``Authorization: Bearer <METRICS_TOKEN>`` when that is set. Everyone else gets the site's
ordinary 404, as for a path that does not exist.

Two kinds of metric:

- Events counted in each process (requests, responses, latencies: django-prometheus's
  middleware, and ``count_answer_ahead_of_django`` for what a WSGI wrapper answers before
  the middleware sees it). gunicorn runs several worker processes and any one of them
  answers a scrape, so with PROMETHEUS_MULTIPROC_DIR set, prometheus_client's
  multiprocess mode has each process write its counts to files in that folder and the
  scrape adds them up.
  (Keeping them in Redis instead would cost a round trip per request and lose counts
  whenever Redis is down.)
- State read at scrape time from where it lives (Celery's queues in the broker, the
  outbox and newsletter sends in the database): the same whichever process answers, never
  stale, and a constant few queries per scrape. Apps register theirs with
  ``scrape_time.register`` in ``AppConfig.ready()``. A source that fails is reported by
  ``site_metrics_source_up{source=...} 0`` (and logged); the others still answer.
"""

import functools
import hmac
import ipaddress
import logging
import time

import prometheus_client
from celery import current_app
from django.conf import settings
from django.db.models import Count
from django_prometheus.middleware import Metrics
from prometheus_client import CollectorRegistry, multiprocess
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def may_scrape(request):
    token = settings.METRICS_TOKEN
    if token:
        given = request.META.get("HTTP_AUTHORIZATION", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    if any(header in request.META for header in PROXY_HEADERS):
        return False
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(peer in network for network in settings.METRICS_ALLOWED_IPS)


class ScrapeTimeMetrics:
    """Functions that read a piece of state and return its metric families, by name."""

    def __init__(self):
        self.sources = {}

    def register(self, name, source):
        if name in self.sources:
            raise ValueError(f"A metrics source named {name!r} is registered already.")
        self.sources[name] = source

    def collect(self):
        up = GaugeMetricFamily(
            "site_metrics_source_up",
            "1 if the source's state could be read for this scrape.",
            labels=["source"],
        )
        for name, source in self.sources.items():
            try:
                families = list(source())
            except Exception:
                logger.exception("Metrics: could not read %s", name)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from families
        yield up


scrape_time = ScrapeTimeMetrics()
_scrape_time_registry = CollectorRegistry(auto_describe=False)
_scrape_time_registry.register(scrape_time)


def exposition():
    """The text a scrape gets: every process's counters, then the state read now."""
    if settings.PROMETHEUS_MULTIPROC_DIR:
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted, path=settings.PROMETHEUS_MULTIPROC_DIR)
    else:
        counted = prometheus_client.REGISTRY
    counts = prometheus_client.generate_latest(counted)
    return counts + prometheus_client.generate_latest(_scrape_time_registry)


def count_answer_ahead_of_django(method, https, view, status, body_length, started):
    """Count a GET or HEAD that a WSGI wrapper (settings.WSGI_WRAPPERS) answered itself in
    the series django-prometheus's Before and After middleware would have set for it, with
    the same labels: ``view`` is the URL name Django would resolve, ``status`` as "200 OK",
    ``started`` a time.perf_counter() from when the wrapper took the request. A GET or HEAD
    carries no body: 0 request bytes. (Not the AJAX count, nor the template, streaming or
    exception ones: no such request or answer.)
    """
    seconds = time.perf_counter() - started
    transport = "https" if https else "http"
    counters, view_latency = _series(method, transport, view, status[:3], settings.DEFAULT_CHARSET)
    for counter in counters:
        counter.inc()
    metrics = Metrics.get_instance()
    metrics.requests_body_bytes.observe(0)
    metrics.responses_body_bytes.observe(body_length)
    metrics.requests_latency_before.observe(seconds)
    view_latency.observe(seconds)


@functools.cache
def _series(method, transport, view, code, charset):
    """The counters and the view's latency histogram one kind of answer goes into, looked up
    once per kind: a labels() lookup costs more than the increment (the twelve series take
    about 28 us an answer looked up each time, 7 us bound, 17 us bound in multiprocess mode),
    and a wrapper gives a handful of kinds (view, GET or HEAD, http or https, its status)."""
    metrics = Metrics.get_instance()
    counters = (
        metrics.requests_total,
        metrics.responses_total,
        metrics.requests_by_method.labels(method=method),
        metrics.requests_by_transport.labels(transport=transport),
        metrics.requests_by_view_transport_method.labels(view=view, transport=transport, method=method),
        metrics.responses_by_status.labels(status=code),
        metrics.responses_by_status_view_method.labels(status=code, view=view, method=method),
        metrics.responses_by_charset.labels(charset=charset),
    )
    return counters, metrics.requests_latency_by_view_method.labels(view=view, method=method)


# --- The ground floor's own sources ---------------------------------------------------


def celery_queues():
    """Messages waiting in each of Celery's queues (Redis: LLEN over its priority lists;
    RabbitMQ: a passive declare). A queue the broker does not know holds nothing."""
    family = GaugeMetricFamily(
        "celery_queue_length", "Task messages waiting in the broker's queue.", labels=["queue"]
    )
    with current_app.connection_for_read() as conn:
        for queue in sorted(current_app.amqp.queues):
            with conn.channel() as channel:
                try:
                    waiting = channel.queue_declare(queue=queue, passive=True).message_count
                except conn.channel_errors:
                    waiting = 0
            family.add_metric([queue], waiting)
    return [family]


def outbox():
    from core.models import OutboxEmail

    counts = dict(OutboxEmail.objects.order_by().values_list("status").annotate(n=Count("id")))
    family = GaugeMetricFamily(
        "outbox_emails", "Emails in the outbox by status (sent and dropped ones are deleted after a while).",
        labels=["status"],
    )
    for status in OutboxEmail.Status.values:
        family.add_metric([status], counts.get(status, 0))
    return [family]


def register_core_sources():
    scrape_time.register("celery_queues", celery_queues)
    scrape_time.register("outbox", outbox)
