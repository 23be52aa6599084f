"""Operators see what the outbox holds (moderators and administrators only: it holds
visitors' addresses) and send what is stuck again."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.utils import timezone

from core.models import OutboxEmail

pytestmark = pytest.mark.django_db
Status = OutboxEmail.Status
URL = "/admin/outbox/"


def signed_in(client, django_user_model, group):
    user = django_user_model.objects.create_user(group.lower(), password="a-long-password")
    user.groups.add(Group.objects.get(name=group))
    # Wagtail's admin needs its own access permission; Editors and Moderators have it.
    assert user.has_perm("wagtailadmin.access_admin")
    client.force_login(user)
    return client


@pytest.fixture
def stuck():
    """One email waiting after a failed attempt, one failed for good."""
    now = timezone.now()
    waiting = OutboxEmail.objects.create(
        kind="api.key_link",
        to="waiting@example.com",
        params={"link": "https://example.org/k/1/"},
        attempts=3,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
        next_attempt_at=now + timezone.timedelta(minutes=4),
    )
    failed = OutboxEmail.objects.create(
        kind="api.key_link",
        to="failed@example.com",
        params={"link": "https://example.org/k/2/"},
        attempts=1,
        status=Status.FAILED,
        last_error="recipient refused: 550 5.1.1 No such mailbox",
        next_attempt_at=now,
        finished_at=now,
    )
    return waiting, failed


def test_moderators_see_waiting_and_failed_emails_with_why(client, django_user_model, stuck):
    moderator = signed_in(client, django_user_model, "Moderators")
    waiting = moderator.get(URL).content.decode()
    assert "waiting@example.com" in waiting and "Connection refused" in waiting
    assert "failed@example.com" not in waiting
    assert "Waiting (1)" in waiting and "Failed (1)" in waiting
    failed = moderator.get(URL + "?show=failed").content.decode()
    assert "failed@example.com" in failed and "550 5.1.1 No such mailbox" in failed
    assert URL in moderator.get("/admin/").content.decode()  # Settings > Outbox


def test_editors_neither_see_nor_retry_the_outbox(client, django_user_model, stuck):
    editor = signed_in(client, django_user_model, "Editors")
    for response in (editor.get(URL), editor.post(URL + "retry/", {"all": "1"})):
        # Wagtail's answer to a permission it does not grant: back to the dashboard, told so.
        assert response.status_code == 302 and response["Location"] == "/admin/"
    dashboard = editor.get("/admin/", follow=True).content.decode()
    assert URL not in dashboard and "waiting@example.com" not in dashboard
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {Status.PENDING, Status.FAILED}


def test_retry_now_sends_a_failed_email_again(client, django_user_model, stuck):
    _, failed = stuck
    moderator = signed_in(client, django_user_model, "Moderators")
    response = moderator.post(URL + "retry/", {"id": failed.pk, "show": "failed"}, follow=True)
    assert response.redirect_chain[-1][0] == URL + "?show=failed"
    assert "1 email will be tried again now." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == Status.SENT and [m.to for m in mail.outbox] == [["failed@example.com"]]


def test_retry_every_stuck_email_at_once(client, django_user_model, stuck):
    moderator = signed_in(client, django_user_model, "Moderators")
    moderator.post(URL + "retry/", {"all": "1"})
    assert sorted(m.to[0] for m in mail.outbox) == ["failed@example.com", "waiting@example.com"]
    assert moderator.post(URL + "retry/", {"id": "x"}, follow=True).status_code == 200


def test_only_moderators_were_granted_the_outbox():
    granted = Permission.objects.filter(content_type__app_label="core", codename__endswith="outboxemail")
    assert set(Group.objects.filter(permissions__in=granted).values_list("name", flat=True)) == {"Moderators"}


def listed_addresses(response):
    assert response.status_code == 200
    rows = BeautifulSoup(response.content, "html.parser").select("table.listing tbody tr")
    return [row.find("td", string=lambda text: text and "@" in text).get_text(strip=True) for row in rows]


@pytest.fixture
def queue():
    """60 emails waiting, the first due first, two kinds of them."""
    now = timezone.now()
    return OutboxEmail.objects.bulk_create(
        OutboxEmail(
            kind="awards.ballot" if n % 2 else "api.key_link",
            to=f"visitor{n:02d}@example.com",
            attempts=1,
            next_attempt_at=now + timezone.timedelta(minutes=n),
        )
        for n in range(60)
    )


def test_the_outbox_listing_searches_filters_sorts_and_paginates(client, django_user_model, queue):
    moderator = signed_in(client, django_user_model, "Moderators")
    first = listed_addresses(moderator.get(URL))
    assert len(first) == 50 and first[:2] == ["visitor00@example.com", "visitor01@example.com"]  # due first
    assert len(listed_addresses(moderator.get(URL, {"p": 2}))) == 10
    searched = listed_addresses(moderator.get(URL, {"q": "visitor1"}))
    assert searched == [f"visitor1{n}@example.com" for n in range(10)]
    ballots = listed_addresses(moderator.get(URL, {"kind": "awards.ballot"}))
    assert len(ballots) == 30 and "visitor01@example.com" in ballots
    assert "visitor00@example.com" not in ballots
    assert listed_addresses(moderator.get(URL, {"ordering": "-to"}))[0] == "visitor59@example.com"


def test_moderators_retry_ticked_emails_in_bulk(client, django_user_model, stuck):
    waiting, failed = stuck
    moderator = signed_in(client, django_user_model, "Moderators")
    url = f"/admin/bulk/core/outboxemail/retry/?next={URL}&id={waiting.pk}&id={failed.pk}"
    assert "Try 2 emails again now" in BeautifulSoup(moderator.get(url).content, "html.parser").get_text(" ")
    assert not mail.outbox
    response = moderator.post(url)
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["failed@example.com", "waiting@example.com"]

    editor = signed_in(client, django_user_model, "Editors")
    assert editor.post(url)["Location"] == "/admin/"
