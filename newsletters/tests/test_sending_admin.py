"""The Sends and Subscribers admin: progress, pause/resume/cancel, sending an issue, who may."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from core.tests.broker import tasks_sent_to
from core.tests.faults import RedisServer
from newsletters.models import Delivery, Send, Subscriber
from newsletters.sending import sends
from newsletters.tests.sending_setup import make_issue, make_newsletter, subscribe

pytestmark = pytest.mark.django_db

SENDS = "/admin/newsletters/sends/"
SUBSCRIBERS = "/admin/snippets/newsletters/subscriber/"


def user_in(django_user_model, group):
    user = django_user_model.objects.create_user(group.lower(), password="a-long-password")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def moderator(client, django_user_model):
    client.force_login(user_in(django_user_model, "Moderators"))
    return client


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(user_in(django_user_model, "Editors"))
    return client


@pytest.fixture
def editor_client(django_user_model):
    """An editor on a client of their own, beside the moderator's."""
    from django.test import Client

    client = Client()
    client.force_login(user_in(django_user_model, "Editors"))
    return client


@pytest.fixture
def newsletter(home):
    return make_newsletter(home)


@pytest.fixture
def running_send(newsletter, settings, django_capture_on_commit_callbacks):
    """A send half way: 6 recipients, 3 sent in the last minute, 1 failed, 2 left."""
    settings.NEWSLETTERS_WORKERS = 0
    subscribe(newsletter, 6)
    with django_capture_on_commit_callbacks(execute=True):
        send, _ = sends.queue_issue(make_issue(newsletter, subject="Solana's grade jumps"))
    deliveries = list(send.deliveries.order_by("pk"))
    now = timezone.now()
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries[:3]]).update(status="sent", sent_at=now)
    Delivery.objects.filter(pk=deliveries[3].pk).update(status="failed", attempts=1, error="550 no such user")
    send.refresh_from_db()
    Send.objects.filter(pk=send.pk).update(started_at=now - datetime.timedelta(minutes=5))
    send.refresh_from_db()
    return send


def text_of(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def test_moderators_see_sends_and_subscribers_in_the_menu_editors_only_sends(moderator, editor_client):
    dashboard = moderator.get("/admin/").content.decode()
    assert SENDS in dashboard and SUBSCRIBERS in dashboard
    dashboard = editor_client.get("/admin/").content.decode()
    assert SENDS in dashboard and SUBSCRIBERS not in dashboard


def test_the_sends_page_shows_counts_rate_and_times(editor, running_send):
    response = editor.get(SENDS)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    row = soup.select_one(f'[data-send-progress="{running_send.pk}"]')
    fields = {cell["data-field"]: cell.get_text(strip=True) for cell in row.select("[data-field]")}
    assert fields == {"recipients": "6", "sent": "3", "failed": "1", "left": "2", "per_minute": "3"}
    assert "Solana's grade jumps" in row.get_text() and "Sending" in row.get_text()
    assert soup.select_one("script[src$='newsletters/send_progress.js']")
    assert not soup.select("form[action$='/pause/']")  # editors watch; they do not steer


def test_progress_endpoint_reports_live_numbers(editor, running_send):
    response = editor.get(f"{SENDS}progress.json", {"id": running_send.pk})
    assert response.status_code == 200
    (progress,) = response.json()["sends"]
    assert progress["status"] == "sending"
    assert (progress["sent"], progress["failed"], progress["left"], progress["per_minute"]) == (3, 1, 2, 3)
    assert progress["done_percent"] == 67

    Delivery.objects.filter(send=running_send, status="pending").update(status="sent", sent_at=timezone.now())
    (progress,) = editor.get(f"{SENDS}progress.json", {"id": running_send.pk}).json()["sends"]
    assert (progress["sent"], progress["left"]) == (5, 0)


def test_progress_endpoint_rejects_a_bad_id(editor, running_send):
    response = editor.get(f"{SENDS}progress.json", {"id": "one"})
    assert response.status_code == 400
    assert response.json() == {"error": "id must be a whole number"}


def test_moderator_pauses_resumes_and_cancels(
    moderator, running_send, settings, django_capture_on_commit_callbacks
):
    detail = f"{SENDS}{running_send.pk}/"
    response = moderator.post(f"{detail}pause/", follow=True)
    assert response.redirect_chain == [(detail, 302)]
    assert "Paused. Workers stop within a second" in text_of(response)
    assert Send.objects.get().status == "paused"
    assert 'action="' + detail + 'resume/"' in response.content.decode()

    settings.NEWSLETTERS_WORKERS = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator.post(f"{detail}resume/", follow=True)
    assert "Resumed" in text_of(response)
    send = Send.objects.get()
    assert send.status == "finished"  # the (eager) workers sent the two that were left
    assert send.deliveries.filter(status="sent").count() == 5

    response = moderator.post(f"{detail}cancel/")
    assert response.status_code == 409
    assert "This send is finished; it cannot be cancelled." in text_of(response)
    assert Send.objects.get().status == "finished"


def test_cancel_marks_unsent_deliveries_cancelled(moderator, running_send):
    response = moderator.post(f"{SENDS}{running_send.pk}/cancel/", follow=True)
    assert "Cancelled. Nothing more goes out" in text_of(response)
    assert sorted(running_send.deliveries.values_list("status", flat=True)) == [
        "cancelled", "cancelled", "failed", "sent", "sent", "sent"
    ]


def denied(response):
    """Wagtail's admin answers a refusal with the dashboard and a "no permission" message."""
    return (response.status_code, response["Location"]) == (302, "/admin/")


def test_editors_cannot_steer_sends(editor, running_send):
    assert denied(editor.post(f"{SENDS}{running_send.pk}/pause/"))
    assert Send.objects.get().status == "sending"


def test_actions_take_post_only_and_unknown_sends_are_404(moderator, running_send):
    assert moderator.get(f"{SENDS}{running_send.pk}/pause/").status_code == 405
    assert moderator.post(f"{SENDS}999999/pause/").status_code == 404
    assert moderator.post(f"{SENDS}{running_send.pk}/restart/").status_code == 404


def test_people_without_newsletter_rights_see_nothing(client, django_user_model, running_send):
    user = django_user_model.objects.create_user("writer", password="a-long-password")
    user.user_permissions.add(*Group.objects.get(name="Editors").permissions.filter(codename="access_admin"))
    client.force_login(user)
    assert SENDS not in client.get("/admin/").content.decode()
    assert denied(client.get(SENDS))
    polled = client.get(
        f"{SENDS}progress.json", {"id": running_send.pk}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert polled.status_code == 403


def test_moderator_sends_a_published_issue_from_the_admin(
    moderator, newsletter, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTERS_SEND_ON_PUBLISH = False
    readers = subscribe(newsletter, 3)
    subscribe(newsletter, 1, Subscriber.Status.PENDING, prefix="unconfirmed")
    issue = make_issue(newsletter, subject="Weekly research digest")
    edit_page = moderator.get(f"/admin/pages/{issue.pk}/edit/").content.decode()
    assert f"{SENDS}issue/{issue.pk}/" in edit_page and "Send to subscribers" in edit_page
    assert "Weekly research digest" in text_of(moderator.get(SENDS))  # listed as not sent

    confirm = moderator.get(f"{SENDS}issue/{issue.pk}/")
    assert "Send to 3 subscribers" in text_of(confirm)
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator.post(f"{SENDS}issue/{issue.pk}/")
    send = Send.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{SENDS}{send.pk}/"
    assert send.status == "finished" and send.requested_by.username == "moderators"
    assert sorted(send.deliveries.values_list("subscriber__email", flat=True)) == [r.email for r in readers]

    again = moderator.post(f"{SENDS}issue/{issue.pk}/")
    assert again.status_code == 409
    assert "This issue has already been sent, or is being sent." in text_of(again)
    assert Send.objects.count() == 1
    assert "Sending progress" in moderator.get(f"/admin/pages/{issue.pk}/edit/").content.decode()


def test_the_send_button_with_the_broker_down_answers_and_the_send_starts_when_it_is_back(
    moderator, newsletter, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTERS_SEND_ON_PUBLISH = False
    readers = subscribe(newsletter, 3)
    issue = make_issue(newsletter, subject="Sent while the broker was down")
    broker = RedisServer().start()
    broker.stop()
    with tasks_sent_to(broker.url), django_capture_on_commit_callbacks(execute=True):
        response = moderator.post(f"{SENDS}issue/{issue.pk}/")
    send = Send.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{SENDS}{send.pk}/"
    assert send.status == "queued" and not mail.outbox  # kept, not lost, not sent

    Send.objects.filter(pk=send.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        sends.resume_stalled()  # beat, once it reaches a worker again (eager here)
    send.refresh_from_db()
    assert send.status == "finished"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)


def test_an_unpublished_issue_cannot_be_sent(moderator, newsletter):
    issue = make_issue(newsletter, live=False)
    response = moderator.post(f"{SENDS}issue/{issue.pk}/")
    assert response.status_code == 409
    assert "Publish the issue before sending it." in text_of(response)
    assert not Send.objects.exists()


def test_editors_cannot_send_an_issue(editor, newsletter):
    issue = make_issue(newsletter)
    assert denied(editor.post(f"{SENDS}issue/{issue.pk}/"))
    assert not Send.objects.exists()


def test_moderators_read_subscribers_and_their_statuses_but_cannot_edit(moderator, newsletter):
    subscribe(newsletter, 2)
    subscribe(newsletter, 1, Subscriber.Status.BOUNCED, prefix="bounced")
    Subscriber.objects.filter(email="bounced0@example.com").update(status_reason="Postmark: bounced")
    response = moderator.get(SUBSCRIBERS)
    assert response.status_code == 200
    page = text_of(response)
    assert "reader0@example.com" in page and "bounced0@example.com" in page
    assert "Postmark: bounced" in page and "Daily Briefing" in page
    filtered = text_of(moderator.get(SUBSCRIBERS, {"status": "bounced"}))
    assert "bounced0@example.com" in filtered and "reader0@example.com" not in filtered
    subscriber = Subscriber.objects.get(email="reader0@example.com")
    assert denied(moderator.get(f"{SUBSCRIBERS}edit/{subscriber.pk}/"))
    assert denied(moderator.get(f"{SUBSCRIBERS}add/"))


def test_editors_get_no_subscriber_listing_nor_any_address(editor, newsletter):
    (subscriber,) = subscribe(newsletter, 1)
    for path in (SUBSCRIBERS, f"{SUBSCRIBERS}inspect/{subscriber.pk}/", f"{SUBSCRIBERS}?q=reader0"):
        response = editor.get(path)
        assert denied(response)
        assert "reader0@example.com" not in editor.get(response["Location"]).content.decode()


def test_failed_recipients_addresses_are_for_moderators_only(moderator, editor_client, running_send):
    failed = running_send.deliveries.get(status="failed")
    address = failed.subscriber.email
    Delivery.objects.filter(pk=failed.pk).update(error=f"550 5.1.1 <{address}>: no such user")
    page = moderator.get(f"{SENDS}{running_send.pk}/").content.decode()
    assert f"550 5.1.1 &lt;{address}&gt;: no such user" in page
    page = editor_client.get(f"{SENDS}{running_send.pk}/")
    assert page.status_code == 200
    assert address not in page.content.decode()
    assert "550 5.1.1 &lt;(hidden)&gt;: no such user" in page.content.decode()


def listed_subjects(response):
    assert response.status_code == 200
    rows = BeautifulSoup(response.content, "html.parser").select("table.listing tbody tr[data-send-progress]")
    return [row.select_one("td.title").get_text(strip=True) for row in rows]


@pytest.fixture
def many_sends(newsletter, settings, django_capture_on_commit_callbacks):
    """25 sends a minute apart, oldest first: "Issue 00" ... "Issue 24"; every fifth finished,
    and one to a second newsletter."""
    settings.NEWSLETTERS_WORKERS = 0
    subscribe(newsletter, 2)
    weekly = make_newsletter(newsletter.get_parent(), title="Research Weekly")
    start = timezone.now() - datetime.timedelta(hours=1)
    made = []
    for number in range(25):
        with django_capture_on_commit_callbacks(execute=True):
            issue = make_issue(weekly if number == 7 else newsletter, subject=f"Issue {number:02d}")
            send, _ = sends.queue_issue(issue)
        status = "finished" if number % 5 == 0 else "sending"
        Send.objects.filter(pk=send.pk).update(
            created_at=start + datetime.timedelta(minutes=number), status=status
        )
        made.append(send)
    return made


def test_the_sends_listing_filters_searches_sorts_and_paginates(moderator, many_sends):
    first_page = listed_subjects(moderator.get(SENDS))
    assert first_page == [f"Issue {n:02d}" for n in range(24, 4, -1)]  # 20 a page, newest first
    assert listed_subjects(moderator.get(SENDS, {"p": 2})) == [f"Issue {n:02d}" for n in range(4, -1, -1)]

    assert listed_subjects(moderator.get(SENDS, {"status": "finished"})) == [
        "Issue 20", "Issue 15", "Issue 10", "Issue 05", "Issue 00"
    ]  # fmt: skip
    weekly = Send.objects.get(subject="Issue 07").issue.get_parent()
    assert listed_subjects(moderator.get(SENDS, {"newsletter": weekly.pk})) == ["Issue 07"]
    assert listed_subjects(moderator.get(SENDS, {"q": "issue 1"})) == [f"Issue {n}" for n in range(19, 9, -1)]
    by_subject = listed_subjects(moderator.get(SENDS, {"ordering": "subject"}))
    assert by_subject[:3] == ["Issue 00", "Issue 01", "Issue 02"]
    # An unknown sort or status is ignored or refused, never a 500.
    assert moderator.get(SENDS, {"ordering": "html"}).status_code == 200
    assert moderator.get(SENDS, {"status": "exploded"}).status_code == 200


def test_moderators_pause_and_cancel_ticked_sends_in_bulk(moderator, many_sends):
    running = [send for send in many_sends if send.subject in ("Issue 01", "Issue 02")]
    finished = next(send for send in many_sends if send.subject == "Issue 05")
    ids = "&".join(f"id={send.pk}" for send in [*running, finished])
    url = f"/admin/bulk/newsletters/send/pause/?next={SENDS}&{ids}"

    confirm = text_of(moderator.get(url))
    assert "Pause 2 sends?" in confirm and "Issue 05 (finished)" in confirm  # listed, left alone
    assert Send.objects.filter(status="paused").count() == 0  # asking changes nothing

    response = moderator.post(url)
    assert response.status_code == 302 and response["Location"] == SENDS
    paused = Send.objects.filter(status="paused").values_list("subject", flat=True)
    assert set(paused) == {"Issue 01", "Issue 02"}
    assert Send.objects.get(pk=finished.pk).status == "finished"

    moderator.post(f"/admin/bulk/newsletters/send/cancel/?next={SENDS}&id={running[0].pk}")
    cancelled = Send.objects.get(pk=running[0].pk)
    assert cancelled.status == "cancelled"
    assert set(cancelled.deliveries.values_list("status", flat=True)) == {"cancelled"}


def test_editors_get_neither_bulk_controls_nor_forms(editor, many_sends):
    page = BeautifulSoup(editor.get(SENDS).content, "html.parser")
    assert not page.select("input.bulk-action-checkbox") and not page.select("[data-bulk-action-footer]")
    send = many_sends[1]
    assert denied(editor.post(f"/admin/bulk/newsletters/send/pause/?next={SENDS}&id={send.pk}"))
    assert Send.objects.get(pk=send.pk).status == "sending"


def test_nobody_edits_or_deletes_a_send_through_the_generic_views(moderator, admin_client, running_send):
    for client in (moderator, admin_client):
        for path in (f"{SENDS}edit/{running_send.pk}/", f"{SENDS}delete/{running_send.pk}/", f"{SENDS}new/"):
            assert denied(client.get(path)), path
    assert Send.objects.filter(pk=running_send.pk).exists()
