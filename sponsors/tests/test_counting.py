"""Counting site impressions (the pixel) and clicks (the redirect) through Redis, flushed
to the database exactly once, with real Redis servers and real concurrency."""

import time

import pytest
from django.test import Client
from django.utils import timezone

from core.tests.concurrency import all_at_once
from sponsors import counting
from sponsors.models import DailyCount
from sponsors.slots import placement_token
from sponsors.tests.factories import CreativeFactory

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"


def counts(creative, slot="site_banner"):
    row = DailyCount.objects.filter(creative=creative, slot=slot, day=timezone.localdate()).first()
    return (row.impressions, row.clicks) if row else (0, 0)


def pixel_url(creative, slot="site_banner"):
    return f"/sponsors/i/{placement_token(creative.pk, slot)}.gif"


def click_url(creative, slot="site_banner"):
    return f"/sponsors/c/{placement_token(creative.pk, slot)}/"


@pytest.mark.django_db
def test_the_pixel_counts_readers_but_not_bots_or_head_requests(client, redis_counts):
    creative = CreativeFactory()
    for _ in range(3):
        response = client.get(pixel_url(creative), HTTP_USER_AGENT=BROWSER)
        assert response.status_code == 200 and response["Content-Type"] == "image/gif"
        assert response["Cache-Control"] == "private, no-store" and not response.cookies
    client.get(pixel_url(creative), HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    client.get(pixel_url(creative), HTTP_USER_AGENT="python-requests/2.32")
    client.get(pixel_url(creative))  # no user agent at all
    assert client.head(pixel_url(creative), HTTP_USER_AGENT=BROWSER).status_code == 200

    assert counts(creative) == (0, 0)  # nothing written per view
    counting.flush()
    assert counts(creative) == (3, 0)


@pytest.mark.django_db
def test_tampered_or_foreign_tokens_get_404(client, redis_counts):
    creative = CreativeFactory()
    token = placement_token(creative.pk, "site_banner")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for url in (f"/sponsors/i/{tampered}.gif", f"/sponsors/c/{tampered}/", "/sponsors/c/not-a-token/"):
        assert client.get(url, HTTP_USER_AGENT=BROWSER).status_code == 404, url
    counting.flush()
    assert counts(creative) == (0, 0)


@pytest.mark.django_db
def test_a_click_goes_to_the_creatives_own_link_and_is_counted(client, redis_counts):
    creative = CreativeFactory(link="https://northwind.example/sandbox")

    response = client.get(click_url(creative, "article"), HTTP_USER_AGENT=BROWSER)
    client.get(click_url(creative, "article"), HTTP_USER_AGENT="Slackbot-LinkExpanding 1.0")

    assert response.status_code == 302
    assert response["Location"] == "https://northwind.example/sandbox"
    assert not response.cookies
    counting.flush()
    assert counts(creative, "article") == (0, 1)
    creative.delete()
    assert client.get(click_url(creative, "article"), HTTP_USER_AGENT=BROWSER).status_code == 404


@pytest.mark.django_db
def test_a_flush_cut_short_after_it_committed_never_counts_twice(client, redis_counts):
    creative = CreativeFactory()
    for _ in range(5):
        client.get(pixel_url(creative), HTTP_USER_AGENT=BROWSER)
    redis_client = counting.client()
    batch = counting.claim_batch(redis_client)
    counting.apply_batch(redis_client, batch)  # committed; the worker dies before deleting the batch
    assert counts(creative) == (5, 0)
    for _ in range(2):
        client.get(pixel_url(creative), HTTP_USER_AGENT=BROWSER)

    counting.flush()  # the next run finds the old batch and the new views
    counting.flush()

    assert counts(creative) == (7, 0)
    assert redis_client.keys("*sponsors:counts*") == []


@pytest.mark.django_db
def test_a_flush_cut_short_before_it_committed_is_finished_by_the_next(client, redis_counts):
    creative = CreativeFactory()
    for _ in range(4):
        client.get(pixel_url(creative), HTTP_USER_AGENT=BROWSER)
    counting.claim_batch(counting.client())  # the worker dies holding the batch

    counting.flush()

    assert counts(creative) == (4, 0)


@pytest.mark.django_db
def test_with_redis_down_the_pixel_answers_at_once_and_every_view_still_counts(
    client, redis_counts, django_assert_max_num_queries
):
    creative = CreativeFactory()
    redis_counts.stop()

    started = time.monotonic()
    for _ in range(20):
        assert client.get(pixel_url(creative), HTTP_USER_AGENT=BROWSER).status_code == 200
    elapsed = time.monotonic() - started
    response = client.get(click_url(creative), HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 302
    assert elapsed < 3  # one failed try, then no more waiting for Redis during the outage
    # Clicks go straight to the database; impressions are held in memory and written
    # together (the first at once, the rest after OUTAGE_WRITE_SECONDS): not one write a view.
    assert counts(creative) == (1, 1)
    with django_assert_max_num_queries(0):
        client.get(pixel_url(creative), HTTP_USER_AGENT=BROWSER)

    redis_counts.start()
    counting._down_until = 0.0  # the outage window is over
    client.get(pixel_url(creative), HTTP_USER_AGENT=BROWSER)  # Redis again: held views written
    counting.flush()
    assert counts(creative) == (22, 1)


@pytest.mark.django_db
def test_without_redis_views_are_written_to_the_database(client, settings):
    settings.REDIS_URL = ""
    creative = CreativeFactory()

    client.get(pixel_url(creative), HTTP_USER_AGENT=BROWSER)
    client.get(click_url(creative), HTTP_USER_AGENT=BROWSER)

    assert counts(creative) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_views_and_flushes_racing_count_every_view_exactly_once(redis_counts, home):
    creative = CreativeFactory()
    views_per_reader, readers = 40, 4

    def reader():
        client = Client(HTTP_USER_AGENT=BROWSER)
        for _ in range(views_per_reader):
            assert client.get(pixel_url(creative)).status_code == 200
        client.get(click_url(creative))

    def flusher():
        for _ in range(15):
            counting.flush()
            time.sleep(0.01)

    all_at_once(*[(reader,)] * readers, (flusher,), (flusher,))
    counting.flush()

    assert counts(creative) == (views_per_reader * readers, readers)
