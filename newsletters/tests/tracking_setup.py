"""Set-up shared by the tracking tests: a sent issue with links, its readers' URLs, and a
request through the WSGI application."""

import datetime
import io
import json
import uuid
from wsgiref.util import setup_testing_defaults

from django.core import signals
from django.db import close_old_connections
from django.utils import timezone

from newsletters.analytics import tracking
from newsletters.models import Delivery, NewsletterIndexPage, Send
from newsletters.sending import sends
from newsletters.tests.factories import NewsletterPageFactory
from newsletters.tests.sending_setup import make_issue, make_newsletter, subscribe

LINKS = (
    "https://research.example.com/research/btc?utm=a&amp;b=2",
    "https://research.example.com/grades/",
    "https://research.example.com/api/keys/",
)
BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
APPLE_PROXY = "Mozilla/5.0"


def body_with_links():
    paragraph = "<p>Read " + ", ".join(
        f'<a href="{url}">link {number}</a>' for number, url in enumerate(LINKS, start=1)
    ) + ".</p>"
    return json.dumps([{"type": "paragraph", "value": paragraph, "id": str(uuid.uuid4())}])


def sent_issue(home, readers=3, sent_ago=datetime.timedelta(hours=1), title="Daily Briefing",
               newsletter=None):
    """(send, deliveries): an issue with three links, sent to ``readers`` readers
    ``sent_ago``, without a mail server (the tests here are about what readers do next)."""
    if newsletter is None:
        index = NewsletterIndexPage.objects.child_of(home).first()
        newsletter = (
            NewsletterPageFactory(parent=index, title=title) if index else make_newsletter(home, title=title)
        )
    if readers:
        subscribe(newsletter, readers, prefix=f"{title.split()[0].lower()}-reader")
    send = sends.freeze(make_issue(newsletter, body=body_with_links(), subject=f"{title} issue"))
    sends.create_deliveries(send)
    started = timezone.now() - sent_ago
    send.recipients = send.deliveries.count()
    send.status, send.started_at = Send.Status.FINISHED, started
    send.save()
    send.deliveries.update(status=Delivery.Status.SENT, sent_at=started)
    return send, list(send.deliveries.order_by("pk"))


def open_url(delivery):
    return tracking.tracking_links(delivery.send_id, delivery.pk)[tracking.OPEN_MARKER]


def click_url(delivery, number):
    return tracking.tracking_links(delivery.send_id, delivery.pk)[tracking.CLICK_MARKER] + f"{number}/"


def path_of(url):
    return "/" + url.split("/", 3)[3]


def wsgi_get(path, method="GET", agent=BROWSER):
    """(status, headers, header names, body): a request to the site's WSGI application, as
    gunicorn makes it, so through its WSGI wrappers (the test client goes round them)."""
    from research_site.wsgi import application

    environ = {
        "PATH_INFO": path, "REQUEST_METHOD": method, "HTTP_USER_AGENT": agent, "wsgi.input": io.BytesIO()
    }
    setup_testing_defaults(environ)
    answered = {}

    def start_response(status, headers, exc_info=None):
        answered["status"], answered["headers"] = int(status.split()[0]), headers

    # As Django's test client does: the test's transaction must outlive the request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = application(environ, start_response)
        body = b"".join(response)
        if hasattr(response, "close"):
            response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return answered["status"], dict(answered["headers"]), [name for name, _ in answered["headers"]], body
