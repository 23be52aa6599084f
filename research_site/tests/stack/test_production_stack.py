"""The site as it runs in production, tested from outside.

One stack for the module (harness.py): Debian's nginx in front of gunicorn on the
production settings, PostgreSQL, a Redis of its own, a Celery worker and beat, and an
aiosmtpd mail server. Every request goes over HTTP through nginx, as a visitor's would;
faults are real (the Redis or mail server process stopped, then started again on its
port); what is checked is what a visitor or an operator sees: status codes, the mail that
reaches the mail server, and rows counted in the database. Tests that break something
put it back before they end, and come first; the rate-limit tests come last.
"""

import re
import time
import uuid
from collections import Counter

import pytest

pytestmark = pytest.mark.stack

OUTBOX_RETRY_SECONDS = 2  # the stack's OUTBOX_RETRY_SECONDS (harness.SETTINGS)
BACK_WITHIN = 45  # seconds for held mail to arrive once Redis or the mail server is back
CHECK_YOUR_INBOX = "Check your inbox"


def unique_email(label):
    return f"{label}-{uuid.uuid4().hex[:8]}@example.com"


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def arrives_once(stack, *addresses):
    """Each address gets its email, and no second one however long the retries go on."""
    everyone = lambda: all(stack.mail.to(address) for address in addresses)  # noqa: E731
    wait_for(everyone, BACK_WITHIN, f"mail to {', '.join(addresses)}")
    time.sleep(3 * OUTBOX_RETRY_SECONDS)  # a few more retry rounds: nothing may go out twice
    received = stack.mail.received()
    assert {address: received[address] for address in addresses} == dict.fromkeys(addresses, 1)


def sign_up(client, email, **kwargs):
    """The sign-up box's script: a POST asking for JSON."""
    json_please = {"Accept": "application/json"}
    return client.post("/email/subscribe/", {"email": email}, headers=json_please, **kwargs)


def request_key(client, email, **kwargs):
    return client.post_form("/api/keys/", {"email": email}, **kwargs)


def read_api(client, **kwargs):
    return client.get("/api/v1/grades/", **kwargs)


@pytest.fixture(scope="module")
def reader_pages(stack):
    """Pages a reader opens: home, an article, the token table, the newsletters, the API."""
    articles = stack.client().get("/api/v1/articles/")
    assert articles.status == 200, articles
    url = articles.json()["results"][0]["url"]
    assert url.startswith("https://stack.test/"), url  # the proxy's https is trusted
    return ["/", url.removeprefix("https://stack.test"), "/ratings/", "/newsletters/", "/api/v1/grades/"]


# --- Production shape ---


def test_reader_pages_and_the_api_answer_through_nginx(stack, reader_pages):
    client = stack.client()
    for path in reader_pages:
        response = client.get(path)
        assert response.status == 200, (path, response)
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Token Research" in client.get("/").text


def test_only_the_proxy_makes_a_request_https(stack):
    # gunicorn alone is plain HTTP: production settings send the visitor to https.
    direct = stack.direct_client().get("/ratings/")
    assert direct.status == 301
    assert direct.headers["Location"] == "https://stack.test/ratings/"
    # Through nginx the request is https, whatever the client claims.
    client = stack.client()
    assert client.get("/ratings/", headers={"X-Forwarded-Proto": "http"}).status == 200


def moderator(stack, client=None):
    """A moderator signed in to the Wagtail admin through nginx (or `client`)."""
    return signed_in(client or stack.client(), "moderator")


def signed_in(client, username):
    """`client`, signed in to the Wagtail admin as one of load_demo's demo logins."""
    response = client.post_form("/admin/login/", {"username": username, "password": username})
    assert response.status == 302, response
    return client


def test_a_moderator_signs_in_to_the_admin_over_the_proxy(stack):
    # Secure session and CSRF cookies, and the https Origin check, work behind the proxy.
    assert moderator(stack).get("/admin/").status == 200


# A document of each kind stored as an editor's upload would be: a PDF, and an HTML file
# that got onto the disk before the allow-list (or by any other way).
DOCUMENTS = """
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
pdf = Document(title="Stack report")
pdf.file.save("stack-report.pdf", ContentFile(b"%PDF-1.4 stack"), save=False)
pdf.save()
html = Document(title="Stack page")
html.file.save("stack-page.html", ContentFile(b"<script>alert(1)</script>"), save=False)
html.save()
print(pdf.url, pdf.file.name, html.url, html.file.name)
"""


def test_documents_leave_only_through_the_download_view(stack):
    pdf_url, pdf_file, html_url, html_file = stack.django(DOCUMENTS).split()[-4:]
    client = stack.client()
    for name in (pdf_file, html_file):  # the proxy never serves the files themselves
        assert client.get(f"/media/{name}").status == 404
    pdf = client.get(pdf_url)
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    html = client.get(html_url)  # stored before the allow-list: a download, never a page
    assert html.headers["Content-Disposition"].startswith("attachment")
    assert html.headers["X-Content-Type-Options"] == "nosniff"
    assert html.headers["Content-Security-Policy"] == "default-src 'none'"


def test_public_pages_carry_the_content_security_policy(stack):
    policy = stack.client().get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy


# --- Newsletter sends ---

# A newsletter of its own, with `count` confirmed readers and a published issue, made in
# the stack's own environment (manage.py shell); prints the issue's id.
LETTER_SETUP = """
import json, uuid
from django.utils import timezone
from newsletters.models import (
    NewsletterIndexPage, NewsletterIssuePage, NewsletterPage, Subscriber, Subscription,
)

index = NewsletterIndexPage.objects.get()
letter = NewsletterPage(title="Letter {name}", slug="letter-{name}", description="A test.", cadence="Once")
index.add_child(instance=letter)
letter.save_revision().publish()
readers = Subscriber.objects.bulk_create(
    Subscriber(email=f"{name}{{n}}@example.com", status="confirmed", confirmed_at=timezone.now())
    for n in range({count})
)
Subscription.objects.bulk_create(Subscription(subscriber=s, newsletter=letter) for s in readers)
body = [{{"type": "paragraph", "value": "<p>Markets were quiet.</p>", "id": str(uuid.uuid4())}}]
issue = NewsletterIssuePage(
    title="Issue {name}", slug="issue-{name}", subject="{name}: one message each", body=json.dumps(body)
)
letter.add_child(instance=issue)
issue.save_revision().publish()
print(issue.pk)
"""


def send_from_the_admin(stack, name, count, client=None):
    """A new newsletter with `count` readers, its issue sent with the admin's Send button
    (through nginx, or `client`): (the send's id, the readers' addresses)."""
    issue_id = int(stack.django(LETTER_SETUP.format(name=name, count=count)).split()[-1])
    client = moderator(stack, client)
    send_page = f"/admin/newsletters/sends/issue/{issue_id}/"
    assert f"Send to {count} subscribers" in client.get(send_page).text
    response = client.post_form(send_page, {})
    assert response.status == 302, response
    send_id = int(re.search(r"/sends/(\d+)/$", response.headers["Location"]).group(1))
    return send_id, {f"{name}{n}@example.com" for n in range(count)}


def send_state(stack, send_id):
    """The send's status, and how many of its deliveries are in each status."""
    (status,) = stack.sql("SELECT status FROM newsletters_send WHERE id = %s", [send_id])[0]
    deliveries = dict(
        stack.sql(
            "SELECT status, count(*) FROM newsletters_delivery WHERE send_id = %s GROUP BY status", [send_id]
        )
    )
    return status, deliveries


def everyone_got_one(stack, send_id, readers):
    received = stack.mail.received()
    assert {address: received[address] for address in readers} == dict.fromkeys(readers, 1)
    assert send_state(stack, send_id) == ("finished", {"sent": len(readers)})


def test_a_send_from_the_admin_reaches_every_reader_once(stack):
    send_id, readers = send_from_the_admin(stack, "plain", 40)
    wait_for(lambda: send_state(stack, send_id)[0] == "finished", 60, "the send to finish")
    everyone_got_one(stack, send_id, readers)


def test_a_send_cut_by_a_mail_outage_finishes_once_the_server_is_back(stack):
    count = 150
    send_id, readers = send_from_the_admin(stack, "cut", count)

    def delivered():
        return sum(n for address, n in stack.mail.received().items() if address in readers)

    wait_for(lambda: delivered() >= 20, 60, "the send to be under way")
    stack.mail.stop()
    try:
        cut_at = delivered()
        time.sleep(4)  # workers meet the outage: longer than NEWSLETTERS_PAUSE_SECONDS
        status, deliveries = send_state(stack, send_id)
        assert cut_at < count, "the send finished before the outage: make it longer"
        assert status != "finished"
        assert deliveries.get("failed", 0) == 0, deliveries  # an outage fails nobody
    finally:
        stack.mail.start()

    wait_for(lambda: send_state(stack, send_id)[0] == "finished", BACK_WITHIN, "the send to finish")
    everyone_got_one(stack, send_id, readers)
    print(f"\nmail server stopped after {cut_at} of {count} messages; every reader got one")


# --- Mail outages: key requests and sign-ups ---


def test_a_mail_outage_keeps_key_requests_and_signups_answered(stack):
    client = stack.client()
    key_email, signup_email = unique_email("key-in-outage"), unique_email("signup-in-outage")
    stack.mail.stop()
    try:
        key = request_key(client, key_email)
        assert key.status == 200, key
        assert "Check your email" in key.text
        signup = sign_up(client, signup_email)
        assert signup.status == 200, signup
        assert CHECK_YOUR_INBOX in signup.json()["message"]
        time.sleep(2 * OUTBOX_RETRY_SECONDS)  # retries meet a closed port meanwhile
    finally:
        stack.mail.start()

    arrives_once(stack, key_email, signup_email)
    (key_mail,) = stack.mail.to(key_email)
    assert "https://stack.test/api/keys/confirm/" in key_mail.get_content()


# --- Redis outage ---


def test_a_redis_outage_keeps_pages_and_the_api_up_and_a_signup_is_mailed_after(stack, reader_pages):
    client = stack.client()
    email = unique_email("signup-in-redis-outage")
    for path in reader_pages:  # cached while Redis is up
        assert client.get(path).status == 200
    stack.redis.stop()
    try:
        for path in reader_pages:
            response = client.get(path)
            assert response.status == 200, (path, response)
        signup = sign_up(client, email)
        assert signup.status == 200, signup
        assert CHECK_YOUR_INBOX in signup.json()["message"]
    finally:
        stack.redis.start()

    arrives_once(stack, email)
    for path in reader_pages:
        assert client.get(path).status == 200


# --- Rate limits: forged headers, and clients behind the proxy ---

# (name, one request, how many pass in the window): the stack's API_RATE_ANONYMOUS,
# NEWSLETTERS_RATE_PER_IP and API_KEY_REQUESTS_PER_HOUR.
ENDPOINTS = {
    "api": (lambda client, n, **kw: read_api(client, **kw), 20),
    "signup": (lambda client, n, **kw: sign_up(client, unique_email(f"limit{n}"), **kw), 5),
    "api-key": (lambda client, n, **kw: request_key(client, unique_email(f"key{n}"), **kw), 5),
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_forged_forwarded_for_headers_cannot_reset_a_limit(stack, endpoint):
    call, limit = ENDPOINTS[endpoint]
    client = stack.client()
    tries = 45 if endpoint == "api" else limit + 5
    # Each request claims to come from a new address; nginx appends the real one.
    statuses = [call(client, n, forwarded_for=f"198.51.100.{n + 1}").status for n in range(tries)]
    assert Counter(statuses) == {200: limit, 429: tries - limit}, statuses
    assert statuses[:limit] == [200] * limit


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_clients_behind_the_proxy_are_limited_separately(stack, endpoint):
    call, limit = ENDPOINTS[endpoint]
    first, second = stack.client(), stack.client()  # two loopback addresses, as nginx sees them
    statuses = [call(first, n).status for n in range(limit + 1)]
    assert statuses == [200] * limit + [429]
    assert call(second, 0).status == 200
