"""The reports in the admin (per send, per newsletter, CSV), who may see them, and
counts_for_sends for other apps."""

import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission

from newsletters import analytics
from newsletters.tests.tracking_setup import APPLE_PROXY, BROWSER, click_url, open_url, path_of, sent_issue

pytestmark = pytest.mark.django_db

REPORTS = "/admin/newsletters/reports/"


@pytest.fixture(autouse=True)
def direct_writes(settings):
    settings.NEWSLETTERS_TRACKING_REDIS_URL = ""


def logged_in(django_user_model, group=None):
    from django.test import Client

    user = django_user_model.objects.create_user(f"user-{group}", password="a-long-password")
    if group:
        user.groups.add(Group.objects.get(name=group))
    else:
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_issues(home, client):
    """Two sends of one newsletter; in the second, readers open and click."""
    first, _ = sent_issue(home, readers=4, sent_ago=datetime.timedelta(days=1))
    newsletter = first.issue.get_parent().specific
    second, deliveries = sent_issue(home, readers=0, newsletter=newsletter)
    from newsletters.models import Delivery, Subscriber

    for subscriber in Subscriber.objects.all():
        Delivery.objects.get_or_create(
            send=second, subscriber=subscriber, defaults={"status": "sent", "sent_at": second.started_at}
        )
    deliveries = list(second.deliveries.order_by("pk"))
    client.get(path_of(open_url(deliveries[0])), HTTP_USER_AGENT=BROWSER)
    client.get(path_of(click_url(deliveries[0], 2)), HTTP_USER_AGENT=BROWSER)
    client.get(path_of(open_url(deliveries[1])), HTTP_USER_AGENT=APPLE_PROXY)
    return newsletter, first, second


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_editors_and_moderators_read_a_sends_report(django_user_model, two_issues, group):
    newsletter, first, second = two_issues
    page = logged_in(django_user_model, group).get(f"{REPORTS}send/{second.pk}/")
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    shown = {div.dt.get_text(): div.dd.get_text() for div in soup.select(".analytics-figures div")}
    assert shown["Delivered"] == "4"
    assert shown["Unique human opens"] == "1" and shown["All opens (machines included)"] == "2"
    assert shown["Open rate (human)"] == "25.0%" and shown["Open rate (all)"] == "50.0%"
    assert shown["Unique clicks"] == "1" and shown["Click rate"] == "25.0%"
    assert shown["Click-to-open"] == "100.0%"
    assert soup.select_one("svg.analytics-chart title")
    assert "privacy proxy: Apple Mail Privacy Protection" in page.content.decode()
    assert "What the figures mean" in page.content.decode()


def test_the_newsletter_report_charts_its_last_issues_and_exports_csv(django_user_model, two_issues):
    newsletter, first, second = two_issues
    client = logged_in(django_user_model, "Editors")
    page = client.get(f"{REPORTS}newsletter/{newsletter.pk}/")
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    assert len(soup.select("svg.analytics-chart polyline")) == 4
    rows = soup.select(".analytics-table-box tbody tr")
    assert [row.a.get_text() for row in rows] == [first.subject, second.subject]  # oldest first

    exported = client.get(f"{REPORTS}newsletter/{newsletter.pk}/csv/")
    assert exported["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [row["send"] for row in table] == [str(first.pk), str(second.pk)]
    assert table[1]["Unique human opens"] == "1" and table[1]["Click rate"] == "25.0%"

    send_csv = client.get(f"{REPORTS}send/{second.pk}/csv/").content.decode()
    assert "link,https://research.example.com/research/btc?utm=a&b=2,1," in send_csv


def test_without_the_sends_permission_there_is_no_report(django_user_model, two_issues):
    newsletter, first, second = two_issues
    client = logged_in(django_user_model)
    for path in ("", f"send/{second.pk}/", f"send/{second.pk}/csv/", f"newsletter/{newsletter.pk}/"):
        assert client.get(REPORTS + path).status_code in (302, 403)
    editor = logged_in(django_user_model, "Editors")
    assert editor.get(f"{REPORTS}send/999999/").status_code == 404


def test_counts_for_sends_gives_other_apps_reach_opens_and_clicks(two_issues):
    newsletter, first, second = two_issues
    counts = analytics.counts_for_sends([first.pk, second.pk, 999999])
    assert set(counts) == {first.pk, second.pk}
    assert (counts[second.pk].sent, counts[second.pk].delivered) == (4, 4)
    assert (counts[second.pk].human_opens, counts[second.pk].unique_clicks) == (1, 1)
    # Link 1 is "Read on the web"; link 2 the first link of the body.
    assert counts[second.pk].clicks_by_url == {"https://research.example.com/research/btc?utm=a&b=2": 1}
    assert counts[first.pk].human_opens == 0 and counts[first.pk].clicks_by_url == {}


EVENTS = "/admin/newsletters/events/"


def event_rows(page):
    return BeautifulSoup(page.content, "html.parser").select("table.listing tbody tr")


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_the_events_behind_the_figures_are_listed_filtered_and_never_edited(
    django_user_model, two_issues, group
):
    newsletter, first, second = two_issues
    reader = logged_in(django_user_model, group)

    everything = reader.get(EVENTS)
    assert everything.status_code == 200
    assert len(event_rows(everything)) == 3  # two opens and a click, as stored
    machines = event_rows(reader.get(EVENTS, {"machine": "true"}))
    assert len(machines) == 1 and "privacy" in machines[0].get_text().lower()
    clicks = event_rows(reader.get(EVENTS, {"kind": "click", "machine": "false"}))
    assert len(clicks) == 1
    assert reader.get(EVENTS, {"send": first.pk}).status_code == 200
    assert event_rows(reader.get(EVENTS, {"send": first.pk})) == []

    from newsletters.models import TrackingEvent

    event = TrackingEvent.objects.first()
    assert reader.get(f"{EVENTS}edit/{event.pk}/").status_code in (302, 403)
    assert reader.post(f"{EVENTS}delete/{event.pk}/").status_code in (302, 403)
    assert TrackingEvent.objects.filter(pk=event.pk).exists()


def test_the_events_are_not_for_everyone_with_admin_access(django_user_model, two_issues):
    assert logged_in(django_user_model).get(EVENTS).status_code in (302, 403)
