"""Request ids and the log formats.

Every request gets an id: the one the proxy in front of us sent in X-Request-ID when it
looks like an id (letters, digits and ``._:-``, at most 64 characters), otherwise a new
uuid4 hex. It goes back on the response's X-Request-ID header, into Sentry's events as the
``request_id`` tag, and onto every log line emitted while the request is handled. A Celery
task's log lines carry the task's id the same way.

LOG_FORMAT (settings) picks the console format: ``json`` (production's default), one JSON
object a line with timestamp, level, logger, message, request_id and, when there is one,
the exception's traceback; or ``text`` (dev and tests), for people.
"""

import contextvars
import re
import uuid

import sentry_sdk

HEADER = "X-Request-ID"
# What a proxy's id looks like (nginx's $request_id, a uuid, a load balancer's trace id);
# anything else, such as a client's forged 10 KB header, is replaced.
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

current_request_id = contextvars.ContextVar("request_id", default=None)

# The console formats (LOGGING in settings). Outside a request or task, request_id is
# null in JSON and "-" in text.
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = ["levelname", "name", "message", "request_id"]
JSON_RENAMED = {"levelname": "level", "name": "logger", "exc_info": "exception"}


def request_id_from(given):
    return given if SANE_ID.fullmatch(given or "") else uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost: every log line of the request, the page cache's answers included, carries
    the id, and so does the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        sentry_sdk.set_tag("request_id", request.request_id)  # nothing when Sentry is off
        token = current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = request.request_id
        return response


class RequestIdFilter:
    """Puts the current request's (or task's) id on each record the console handler writes."""

    def filter(self, record):
        request_id = current_request_id.get()
        if request_id is not None:
            record.request_id = request_id
        return True


# The id a task replaced, by task id: a task run eagerly inside a request (tests, or a
# fallback) hands the request its own id back when it ends.
_replaced = {}


def task_started(task_id=None, **kwargs):
    _replaced[task_id] = current_request_id.set(task_id)


def task_finished(task_id=None, **kwargs):
    token = _replaced.pop(task_id, None)
    if token is not None:
        current_request_id.reset(token)


def connect_task_signals():
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(task_started, dispatch_uid="core.observability.task_started")
    task_postrun.connect(task_finished, dispatch_uid="core.observability.task_finished")
