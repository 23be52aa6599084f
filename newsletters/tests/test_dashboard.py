"""The admin home's newsletter panels: the last send, today's briefing and subscriber growth,
with figures from realistic data, links to their pages, for the right people only."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from newsletters.models import Delivery, Send, Subscriber
from newsletters.sending import sends
from newsletters.tests.sending_setup import make_issue, make_newsletter, subscribe

pytestmark = pytest.mark.django_db

PANELS = ("newsletters-last-send", "newsletters-briefing", "newsletters-subscriber-growth")


def signed_in(client, django_user_model, group):
    user = django_user_model.objects.create_user(group.lower(), password="a-long-password")
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


def panel(client, name):
    response = client.get("/admin/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select_one(f'[data-panel="{name}"]')


def figures(shown):
    return {element["data-figure"]: element.get_text(strip=True) for element in shown.select("[data-figure]")}


@pytest.fixture
def newsletter(home):
    return make_newsletter(home)


def test_the_last_send_panel_shows_its_progress_and_links_to_it(
    client, django_user_model, newsletter, settings, django_capture_on_commit_callbacks
):
    signed_in(client, django_user_model, "Editors")
    assert "No issue has been sent yet." in panel(client, "newsletters-last-send").get_text()

    settings.NEWSLETTERS_WORKERS = 0  # deliveries are made; the test plays the workers
    subscribe(newsletter, 8)
    with django_capture_on_commit_callbacks(execute=True):
        older, _ = sends.queue_issue(make_issue(newsletter, subject="Yesterday's grades"))
        send, _ = sends.queue_issue(make_issue(newsletter, subject="Bitcoin's grade climbs"))
    Send.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
    Send.objects.filter(pk=send.pk).update(started_at=timezone.now() - datetime.timedelta(minutes=5))
    deliveries = list(send.deliveries.order_by("pk").values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=deliveries[:5]).update(status="sent", sent_at=timezone.now())
    Delivery.objects.filter(pk=deliveries[5]).update(status="failed", attempts=5, error="452 mailbox full")

    shown = panel(client, "newsletters-last-send")
    assert "Bitcoin's grade climbs" in shown.get_text()
    assert figures(shown) == {
        "status": "Sending", "done_percent": "75", "recipients": "8", "sent": "5", "failed": "1", "left": "2",
        "suppressed": "0", "per_minute": "5",
    }  # fmt: skip
    links = {a["href"] for a in shown.select("a")}
    assert {f"/admin/newsletters/sends/{send.pk}/", "/admin/newsletters/sends/"} <= links

    Delivery.objects.filter(pk__in=deliveries[6:]).update(status="sent", sent_at=timezone.now())
    Send.objects.filter(pk=send.pk).update(status="finished", finished_at=timezone.now())
    done = figures(panel(client, "newsletters-last-send"))
    assert (done["status"], done["done_percent"], done["sent"], done["left"]) == ("Finished", "100", "7", "0")


def test_the_briefing_panel_follows_todays_briefing_to_the_inbox(
    client, django_user_model, newsletter, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTERS_SEND_ON_PUBLISH = False
    settings.NEWSLETTERS_WORKERS = 0
    editor = signed_in(client, django_user_model, "Editors")
    yesterday = timezone.now().date() - datetime.timedelta(days=1)
    make_issue(newsletter, subject="An old briefing", drafted_for=yesterday - datetime.timedelta(days=6))
    shown = panel(client, "newsletters-briefing")
    assert figures(shown)["stage"].startswith("Not drafted yet")
    assert "An old briefing" in shown.get_text()

    issue = make_issue(newsletter, subject="Grades at dawn", drafted_for=yesterday, live=False)
    shown = panel(client, "newsletters-briefing")
    assert figures(shown) == {"stage": "Drafted"}
    assert shown.select_one(f'a[href="/admin/pages/{issue.pk}/edit/"]')

    issue.save_revision(user=editor)
    issue.get_workflow().start(issue, user=editor)
    assert figures(panel(client, "newsletters-briefing")) == {"stage": "Awaiting approval"}

    issue.save_revision().publish()
    shown = panel(client, "newsletters-briefing")
    assert figures(shown) == {"stage": "Published"}
    assert shown.select_one(f'a[href="/admin/newsletters/sends/issue/{issue.pk}/"]')

    subscribe(newsletter, 2)
    with django_capture_on_commit_callbacks(execute=True):
        send, _ = sends.queue_issue(issue)
    shown = panel(client, "newsletters-briefing")
    assert figures(shown) == {"stage": "Sending"}
    assert shown.select_one(f'a[href="/admin/newsletters/sends/{send.pk}/"]')
    Send.objects.filter(pk=send.pk).update(status="finished")
    assert figures(panel(client, "newsletters-briefing")) == {"stage": "Sent"}


def test_subscriber_growth_counts_joins_and_departures_over_30_days(client, django_user_model, newsletter):
    signed_in(client, django_user_model, "Moderators")
    now = timezone.now()

    def people(prefix, count, confirmed_days_ago, status=Subscriber.Status.CONFIRMED, left_days_ago=None):
        confirmed = now - datetime.timedelta(days=confirmed_days_ago)
        changed = confirmed if left_days_ago is None else now - datetime.timedelta(days=left_days_ago)
        dates = {"confirmed_at": confirmed, "status_changed_at": changed}
        Subscriber.objects.bulk_create(
            Subscriber(email=f"{prefix}{n}@example.com", status=status, **dates) for n in range(count)
        )

    people("early", 7, 60)
    people("left-long-ago", 2, 60, Subscriber.Status.UNSUBSCRIBED, left_days_ago=40)
    people("bounced-lately", 1, 60, Subscriber.Status.BOUNCED, left_days_ago=5)
    people("joined", 5, 10)
    people("came-and-went", 1, 8, Subscriber.Status.COMPLAINED, left_days_ago=3)
    people("today", 3, 0)
    Subscriber.objects.create(email="pending@example.com")  # never confirmed: never counted

    shown = panel(client, "newsletters-subscriber-growth")
    # 8 at the start of the window (7 + the one who bounced lately); 9 joined, 2 left.
    assert figures(shown) == {"now": "15", "new": "9", "gone": "2", "net": "+7"}
    chart = shown.select_one("svg[role=img]")
    assert "went from 8 to 15" in chart.desc.get_text()
    assert len(re.findall(r"[ML][\d.]+,[\d.]+", chart.path["d"])) == 30  # one point a day
    assert shown.select_one('a[href="/admin/snippets/newsletters/subscriber/"]')


def test_each_role_gets_its_panels(client, django_user_model, newsletter):
    signed_in(client, django_user_model, "Moderators")
    assert all(panel(client, name) is not None for name in PANELS)

    signed_in(client, django_user_model, "Editors")  # Editors watch sends; addresses are not theirs
    assert [panel(client, name) is not None for name in PANELS] == [True, True, False]

    writer = django_user_model.objects.create_user("writer", password="a-long-password")
    writer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(writer)
    assert not any(panel(client, name) for name in PANELS)
