"""The media kit at /advertise/: packages, audience figures measured from our data with
their definitions, cacheable; and its contact form at /advertise/contact/."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import OutboxEmail
from newsletters.analytics import recording
from newsletters.models import Subscriber
from newsletters.tests.sending_setup import subscribe
from newsletters.tests.tracking_setup import APPLE_PROXY, BROWSER, sent_issue
from sponsors import counting, enquiries, mediakit
from sponsors.models import Package, Slot
from sponsors.tests.factories import BannerFactory

pytestmark = pytest.mark.django_db

URL = "/advertise/"
CONTACT = "/advertise/contact/"


def figure(html, name):
    node = BeautifulSoup(html, "html.parser").select_one(f'[data-figure="{name}"]')
    return node.get_text(strip=True)


def reader_events(deliveries, opens=0, clicks=0, machine_opens=0, link=1):
    """Opens and clicks as readers (a minute after delivery, a browser) and as a privacy
    proxy (at delivery), judged and stored by the analytics' own recording."""
    events = []
    for delivery in deliveries[:opens]:
        at = delivery.sent_at.timestamp() + 600
        events.append(recording.new_event("open", delivery.send_id, delivery.pk, None, "GET", BROWSER, at))
    for delivery in deliveries[:clicks]:
        at = delivery.sent_at.timestamp() + 700
        events.append(recording.new_event("click", delivery.send_id, delivery.pk, link, "GET", BROWSER, at))
    for delivery in deliveries[opens:opens + machine_opens]:
        at = delivery.sent_at.timestamp() + 1
        events.append(
            recording.new_event("open", delivery.send_id, delivery.pk, None, "GET", APPLE_PROXY, at)
        )
    return recording.store(events)


def test_packages_and_definitions_are_on_the_page(client, home):
    html = client.get(URL).content.decode()
    for package in Package.objects.all():
        assert package.name in html
        for item in package.included_items():
            assert item in html
    for term, definition in mediakit.DEFINITIONS:
        assert term in html and definition in html
    assert CONTACT in html
    assert 'href="/advertise/"' in client.get("/").content.decode()  # the footer links to it


def test_audience_figures_come_from_the_data_and_follow_it(client, home):
    send, deliveries = sent_issue(home, readers=10, title="Daily Briefing")
    newsletter = send.issue.get_parent()
    subscribe(newsletter, 4, status=Subscriber.Status.PENDING, prefix="pending")  # not counted
    html = client.get(URL).content.decode()
    assert figure(html, "confirmed") == "10"
    assert figure(html, "open-rate") == "0.0%"  # measured: nobody has opened it yet
    assert figure(html, "site-views") == "not measured yet"

    reader_events(deliveries, opens=3, clicks=1, machine_opens=5)  # machines' opens do not count
    creative = BannerFactory()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    counting.add_counts({
        (yesterday, creative.pk, Slot.SITE_BANNER): (400, 3),
        (yesterday - datetime.timedelta(days=1), creative.pk, Slot.SITE_BANNER): (600, 5),
        (yesterday, creative.pk, Slot.ARTICLE): (999, 9),  # another slot: not page views
    })
    subscribe(newsletter, 2, prefix="late")
    html = client.get(URL).content.decode()

    assert figure(html, "confirmed") == "12"
    assert figure(html, "open-rate") == "30.0%"  # 3 human opens / 10 delivered
    assert figure(html, "click-rate") == "10.0%"
    assert figure(html, "site-views") == "15000"  # (400 + 600) / 2 counted days * 30


def test_the_rates_are_medians_over_the_last_thirty_days_sends(home):
    old, old_deliveries = sent_issue(home, readers=4, sent_ago=datetime.timedelta(days=31), title="Daily Old")
    reader_events(old_deliveries, opens=4)  # outside the window
    newsletter = old.issue.get_parent()
    for number, opens in enumerate((1, 2, 4)):
        send, deliveries = sent_issue(home, readers=0, newsletter=newsletter, title=f"Daily {number}")
        reader_events(deliveries, opens=opens)
    (row,) = mediakit.audience().newsletters
    assert row.sends == 3
    assert row.median_open_rate == 0.5  # the median of 1/4, 2/4, 4/4


def test_the_figures_cost_a_constant_number_of_queries(client, home):
    send, deliveries = sent_issue(home, readers=3, title="Daily Briefing")
    reader_events(deliveries, opens=2)
    with CaptureQueriesContext(connection) as few:
        mediakit.audience()
    newsletter = send.issue.get_parent()
    for number in range(4):
        more, more_deliveries = sent_issue(home, readers=0, newsletter=newsletter, title=f"Daily {number}")
        reader_events(more_deliveries, opens=1, clicks=1)
        sent_issue(home, readers=2, title=f"Weekly{number} letter")
    counting.add_counts({(timezone.localdate() - datetime.timedelta(days=2), BannerFactory().pk,
                          Slot.SITE_BANNER): (10, 0)})
    with CaptureQueriesContext(connection) as many:
        audience = mediakit.audience()
    assert len(audience.newsletters) == 5 and audience.sends == 9
    assert len(many) == len(few) <= 8


def test_the_page_is_cached_and_a_package_save_shows_at_once(client, home, settings):
    settings.PAGE_CACHE_SECONDS = 300
    assert client.get(URL).status_code == 200
    response = client.get(URL)
    assert response["X-Page-Cache"] == "hit"
    gold = Package.objects.get(name="Gold")
    gold.includes += "\nA thank-you line in our year-end letter"
    gold.save()
    response = client.get(URL)
    assert response.get("X-Page-Cache") != "hit"
    assert "A thank-you line in our year-end letter" in response.content.decode()


# --- The contact form ---


@pytest.fixture
def editors(db):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Editors")
    users = [get_user_model().objects.create_user(name, f"{name}@research.example", "pw")
             for name in ("ed", "eve")]
    for user in users:
        user.groups.add(group)
    get_user_model().objects.create_user("reader", "reader@research.example", "pw")  # not an editor
    return users


EDITORS = ["ed@research.example", "eve@research.example"]
ENQUIRY = {
    "name": "Dana Okafor",
    "email": "dana@meridian.example",
    "company": "Meridian Custody",
    "package": "Gold",
    "message": "We would like the site banner and the briefing slot for two weeks in January.",
}


def test_an_enquiry_is_mailed_to_the_editors_through_the_outbox(client, editors):
    page = client.get(CONTACT)
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    assert "no-cache" in page["Cache-Control"] or "private" in page["Cache-Control"]

    response = client.post(CONTACT, ENQUIRY)
    assert response.status_code == 200
    assert "with our editors" in response.content.decode()
    assert "max-age=0" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert sorted(OutboxEmail.objects.values_list("to", flat=True)) == EDITORS
    assert sorted(message.to[0] for message in mail.outbox) == EDITORS
    message = mail.outbox[0]
    assert message.subject == "Sponsorship enquiry from Dana Okafor (Meridian Custody)"
    assert ENQUIRY["message"] in message.body and "Package: Gold" in message.body
    assert message.extra_headers.get("Reply-To") == "dana@meridian.example" or message.reply_to == [
        "dana@meridian.example"]


def test_the_enquiry_setting_replaces_the_editors(client, editors, settings):
    settings.SPONSORS_ENQUIRY_EMAIL = "ads@research.example"
    assert client.post(CONTACT, ENQUIRY).status_code == 200
    assert [message.to for message in mail.outbox] == [["ads@research.example"]]


def test_with_no_editor_to_tell_the_superusers_get_the_enquiry(client, django_user_model):
    django_user_model.objects.create_superuser("owner", "owner@research.example", "a-long-password")
    editor = django_user_model.objects.create_user("editor-without-mail", "", "a-long-password")
    editor.groups.add(Group.objects.get(name="Editors"))
    assert client.post(CONTACT, ENQUIRY).status_code == 200
    assert [message.to for message in mail.outbox] == [["owner@research.example"]]


def test_the_honeypot_answers_alike_and_sends_nothing(client, editors):
    response = client.post(CONTACT, {**ENQUIRY, "homepage": "https://spam.example"})
    assert response.status_code == 200 and "with our editors" in response.content.decode()
    assert not OutboxEmail.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "dana-at-meridian"}, "That does not look like an email address"),
        ({"name": ""}, "Tell us your name."),
        ({"message": "Hi"}, "Say a little more"),
        ({"package": "Diamond"}, "That package is not on offer"),
    ],
)
def test_bad_input_gets_400_and_a_clear_message(client, editors, change, message):
    response = client.post(CONTACT, {**ENQUIRY, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OutboxEmail.objects.exists()


def test_over_the_limit_a_client_gets_429_with_retry_after(client, editors, settings):
    settings.SPONSORS_ENQUIRIES_PER_CLIENT = (2, 3600)
    assert [client.post(CONTACT, ENQUIRY).status_code for _ in range(2)] == [200, 200]
    response = client.post(CONTACT, ENQUIRY)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "try again in" in response.content.decode()
    assert OutboxEmail.objects.count() == 4  # two enquiries, two editors each
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.post(CONTACT, ENQUIRY).status_code == 200  # the limit is per client


def test_a_post_without_the_csrf_token_is_refused(editors):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(CONTACT, ENQUIRY).status_code == 403
    page = strict.get(CONTACT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert strict.post(CONTACT, {**ENQUIRY, "csrfmiddlewaretoken": token}).status_code == 200
    assert OutboxEmail.objects.count() == 2


def test_a_mail_server_outage_keeps_the_enquiry(client, editors, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nobody listens
    response = client.post(CONTACT, ENQUIRY)
    assert response.status_code == 200
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {OutboxEmail.Status.PENDING}
    assert enquiries.recipients() == EDITORS
