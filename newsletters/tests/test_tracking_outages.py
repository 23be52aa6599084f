"""A Redis that is down or hung never loses a reader's open or click, nor fails the request:
the event goes straight to the database; what Redis held before is flushed once it is back."""

import time

import pytest

from core.tests.faults import RedisServer
from newsletters.analytics import recording
from newsletters.models import TrackingEvent
from newsletters.tests.tracking_setup import BROWSER, click_url, open_url, path_of, sent_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_server(settings):
    server = RedisServer().start()
    settings.NEWSLETTERS_TRACKING_REDIS_URL = server.url
    yield server
    server.stop()


def test_with_redis_down_events_go_to_the_database_and_nothing_is_lost(home, client, redis_server):
    send, (first, second, *_) = sent_issue(home)
    assert client.get(path_of(open_url(first)), HTTP_USER_AGENT=BROWSER).status_code == 200
    assert recording.buffer().waiting() == 1 and not TrackingEvent.objects.exists()

    redis_server.stop(keep_data=True)
    assert client.get(path_of(open_url(second)), HTTP_USER_AGENT=BROWSER).status_code == 200
    response = client.get(path_of(click_url(second, 1)), HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 302
    assert TrackingEvent.objects.filter(delivery=second).count() == 2  # stored in the request

    redis_server.start()
    recording.buffer().breaker.retry_at = 0  # the next call tries Redis again at once
    assert recording.flush_all() == 1
    assert set(TrackingEvent.objects.values_list("delivery", "kind")) == {
        (first.pk, "open"), (second.pk, "open"), (second.pk, "click"),
    }


def test_with_redis_hung_the_reader_waits_at_most_the_timeout(home, client, redis_server):
    send, (delivery, *_) = sent_issue(home)
    redis_server.hang()
    try:
        started = time.monotonic()
        assert client.get(path_of(open_url(delivery)), HTTP_USER_AGENT=BROWSER).status_code == 200
        assert time.monotonic() - started < 2
        started = time.monotonic()
        assert client.get(path_of(open_url(delivery)), HTTP_USER_AGENT=BROWSER).status_code == 200
        assert time.monotonic() - started < 0.5  # the breaker is open: Redis is not tried again
    finally:
        redis_server.resume()
    assert TrackingEvent.objects.filter(delivery=delivery).count() == 2
