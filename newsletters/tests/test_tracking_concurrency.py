"""Exact counts under concurrency, on PostgreSQL with real connections racing: many requests
for the same message count it once, racing flushes store every buffered event once, an
abandoned flush's batch is stored once, and a scanner's simultaneous clicks are caught."""

import pytest
from django.conf import settings
from django.db import connection  # noqa: F401 - read by the skipif condition
from django.test import Client
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

from core.tests.concurrency import all_at_once
from newsletters.analytics import recording, reports
from newsletters.models import TrackingEvent
from newsletters.tests.tracking_setup import BROWSER, click_url, open_url, path_of, sent_issue

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="racing connections need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def page_tree():
    """The locale and root page Wagtail's migrations make, if an earlier test's flush took them."""
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root"))


@pytest.fixture
def buffered(settings):
    settings.NEWSLETTERS_TRACKING_REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/4"
    buffer = recording.buffer()
    buffer.client.delete(buffer.queue, buffer.inflight_index)
    yield buffer
    buffer.client.delete(buffer.queue, buffer.inflight_index)


def request(path, agent=BROWSER):
    response = Client().get(path, HTTP_USER_AGENT=agent)
    assert response.status_code in (200, 302)
    return response.status_code


def test_racing_requests_for_one_message_count_it_once(home, settings):
    settings.NEWSLETTERS_TRACKING_REDIS_URL = ""  # each request writes to the database itself
    send, (first, second, *_) = sent_issue(home)
    calls = []
    for delivery in (first, second):
        calls += [(request, path_of(open_url(delivery)))] * 8
        calls += [(request, path_of(click_url(delivery, 2)))] * 8
    all_at_once(*calls)

    assert TrackingEvent.objects.count() == 32  # every request is kept...
    figures = reports.figures_for_sends([send.pk])[send.pk]
    assert (figures.human_opens, figures.all_opens, figures.unique_clicks) == (2, 2, 2)  # ...counted once
    (link,) = [link for link in reports.link_figures(send.pk) if link.number == 2]
    assert (link.unique_clicks, link.human_clicks) == (2, 16)


def test_racing_flushes_store_every_buffered_event_exactly_once(home, buffered):
    send, deliveries = sent_issue(home, readers=20)
    all_at_once(*[(request, path_of(open_url(delivery))) for delivery in deliveries for _ in range(3)])
    assert buffered.waiting() == 60

    flushed = all_at_once(*[(recording.flush, 10, 7)] * 4)  # four flushes, batches of 7

    assert sum(flushed) == 60 and buffered.waiting() == 0
    assert TrackingEvent.objects.count() == 60
    assert reports.figures_for_sends([send.pk])[send.pk].human_opens == 20


def test_a_batch_left_by_a_flush_that_died_is_stored_once(home, buffered, monkeypatch):
    send, deliveries = sent_issue(home, readers=5)
    for delivery in deliveries:
        request(path_of(open_url(delivery)))
    inflight, events = buffered.take(10)  # a flush takes the batch...
    recording.store(events[:2])  # ...stores part of it and dies
    assert buffered.waiting() == 0 and TrackingEvent.objects.count() == 2

    assert recording.flush() == 0  # not yet: it may still be working
    monkeypatch.setattr(recording, "INFLIGHT_TIMEOUT", 0)
    assert recording.flush() == 5
    assert TrackingEvent.objects.count() == 5  # the two stored before are not stored again
    assert not buffered.client.exists(inflight)


def test_a_scanner_clicking_every_link_at_the_same_moment_is_caught(home, settings):
    settings.NEWSLETTERS_TRACKING_REDIS_URL = ""
    send, (delivery, *_) = sent_issue(home)
    all_at_once(*[(request, path_of(click_url(delivery, number))) for number in (1, 2, 3)])
    assert set(TrackingEvent.objects.values_list("machine", flat=True)) == {True}
    assert reports.figures_for_sends([send.pk])[send.pk].unique_clicks == 0
