"""The admin home stays cheap as the data behind its panels grows: the same number of SQL
queries with one send or many, a handful of subscribers or thousands, one refresh or a
history of them. Each panel's own cost is held too."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletters.dashboard import BriefingPanel, LastSendPanel, SubscriberGrowthPanel
from newsletters.models import Delivery, Send, Subscriber
from newsletters.sending import sends
from newsletters.tests.sending_setup import make_issue, make_newsletter, subscribe
from ratings.dashboard import LastRefreshPanel
from ratings.models import RefreshRun

pytestmark = pytest.mark.django_db

# Each panel's queries, whatever the data (its docstring says which).
PANEL_QUERIES = {LastSendPanel: 2, BriefingPanel: 1, SubscriberGrowthPanel: 3, LastRefreshPanel: 2}


@pytest.fixture
def moderator(client, django_user_model):
    user = django_user_model.objects.create_user("moderator", password="a-long-password")
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    return user


def add_history(newsletter, round_number, *, issues, readers, runs, on_commit):
    """`issues` sent briefings with `readers` deliveries each, subscribers who joined and left
    over the last 60 days, and `runs` refreshes (good and failed)."""
    now = timezone.now()
    readers_list = subscribe(newsletter, readers, prefix=f"r{round_number}-")
    Subscriber.objects.filter(pk__in=[s.pk for s in readers_list]).update(confirmed_at=now)
    for offset, subscriber in enumerate(readers_list):
        joined = now - datetime.timedelta(days=offset % 60, hours=1)
        left = offset % 7 == 0
        Subscriber.objects.filter(pk=subscriber.pk).update(
            confirmed_at=joined,
            status=Subscriber.Status.UNSUBSCRIBED if left else Subscriber.Status.CONFIRMED,
            status_changed_at=joined + datetime.timedelta(days=1) if left else joined,
        )
    for number in range(issues):
        day = timezone.now().date() - datetime.timedelta(days=30 * round_number + number + 1)
        issue = make_issue(newsletter, subject=f"Briefing {round_number}.{number}", drafted_for=day)
        with on_commit(execute=True):
            send, _ = sends.queue_issue(issue)
        Delivery.objects.filter(send=send).update(status="sent", sent_at=now)
        Send.objects.filter(pk=send.pk).update(status="finished", started_at=now, finished_at=now)
    for number in range(runs):
        RefreshRun.objects.create(
            provider="demo",
            day=timezone.now().date() - datetime.timedelta(days=number),
            days=1,
            status=RefreshRun.Status.FAILED if number % 3 == 0 else RefreshRun.Status.DONE,
            tokens_graded=6000,
            tokens_stale=number,
            message="token-1: HTTP 500" if number % 3 == 0 else "",
        )


def home_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200
    body = response.content.decode()
    for panel in ("newsletters-last-send", "newsletters-briefing", "newsletters-subscriber-growth"):
        assert f'data-panel="{panel}"' in body
    assert 'data-panel="ratings-last-refresh"' in body
    return len(queries)


def test_the_admin_home_costs_the_same_queries_as_the_data_grows(
    client, moderator, home, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTERS_SEND_ON_PUBLISH = False
    settings.NEWSLETTERS_WORKERS = 0
    newsletter = make_newsletter(home)
    add_history(newsletter, 0, issues=1, readers=3, runs=1, on_commit=django_capture_on_commit_callbacks)
    client.get("/admin/")  # once for good: the session, content types, the user's profile
    small = home_queries(client)

    add_history(newsletter, 1, issues=6, readers=400, runs=20, on_commit=django_capture_on_commit_callbacks)
    assert Delivery.objects.count() > 2000
    assert home_queries(client) == small


@pytest.mark.parametrize("panel_class", list(PANEL_QUERIES), ids=lambda cls: cls.__name__)
def test_each_panel_costs_a_fixed_number_of_queries(
    panel_class, moderator, home, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTERS_SEND_ON_PUBLISH = False
    settings.NEWSLETTERS_WORKERS = 0
    newsletter = make_newsletter(home)
    add_history(newsletter, 1, issues=3, readers=50, runs=5, on_commit=django_capture_on_commit_callbacks)
    request = RequestFactory().get("/admin/")
    request.user = moderator
    panel_class().render_html({"request": request})  # content types are looked up once per process
    with CaptureQueriesContext(connection) as queries:
        html = panel_class().render_html({"request": request})
    assert "data-panel=" in html
    assert len(queries) == PANEL_QUERIES[panel_class], [q["sql"] for q in queries]
