import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.db.models import Count
from django.utils import timezone

from awards import voting
from awards.ballots import keyed_hash
from awards.models import NomineeTally, VoidRecord, Vote
from awards.tests.factories import ballot_for, category_with

pytestmark = pytest.mark.django_db


def tallies_match_votes(category):
    counted = dict(Vote.counted.filter(category=category).values_list("nominee").annotate(n=Count("pk")))
    tallies = dict(NomineeTally.objects.filter(nominee__category=category).values_list("nominee", "count"))
    return all(tallies[nominee] == counted.get(nominee, 0) for nominee in tallies)


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("mod", password="pw")
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "view_vote", "void_vote"],
            content_type__app_label__in=["wagtailadmin", "awards"],
        )
    )
    return user


@pytest.fixture
def votes():
    category, (depin, ai) = category_with("DePIN", "AI")
    for n in range(4):
        voting.confirm(ballot_for(depin, email=f"bot{n}@farm.example", ip_hash="bad-ip"))
    for n in range(3):
        voting.confirm(ballot_for(ai, email=f"person{n}@mail.example", ip_hash=f"ip{n}"))
    return category, depin, ai


def tally(nominee):
    return NomineeTally.objects.get(nominee=nominee).count


def test_moderator_voids_one_vote_with_a_reason(client, moderator, votes):
    category, depin, ai = votes
    client.force_login(moderator)
    target = Vote.objects.filter(nominee=ai).first()
    response = client.post(f"/admin/awards/votes/{target.pk}/void/", {"reason": "Disposable address"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == "voided" and target.void_reason == "Disposable address"
    record = VoidRecord.objects.get()
    assert (record.vote, record.moderator, record.reason, record.selection) == (
        target,
        moderator,
        "Disposable address",
        "one vote",
    )
    assert (tally(depin), tally(ai)) == (4, 2)
    assert tallies_match_votes(category)
    results = BeautifulSoup(client.get(category.get_results_url()).content, "html.parser")
    assert "DePIN secured the top position with 66.7% of the total votes" in results.get_text(" ", strip=True)


def test_voiding_needs_a_reason(client, moderator, votes):
    _, _, ai = votes
    client.force_login(moderator)
    target = Vote.objects.filter(nominee=ai).first()
    response = client.post(f"/admin/awards/votes/{target.pk}/void/", {"reason": "  "}, follow=True)
    assert "Say why these votes are void" in response.content.decode()
    assert VoidRecord.objects.count() == 0
    assert tally(ai) == 3


def test_void_by_ip_hash_writes_one_audit_row_per_vote(client, moderator, votes):
    category, depin, ai = votes
    client.force_login(moderator)
    listing = client.get("/admin/awards/votes/", {"ip_hash": "bad-ip"})
    assert listing.status_code == 200
    assert "4 votes match." in listing.content.decode()

    response = client.post(
        "/admin/awards/votes/void/", {"ip_hash": "bad-ip", "reason": "One IP, many addresses"}
    )
    assert response.status_code == 302
    assert Vote.objects.filter(voided_at__isnull=False).count() == 4
    assert VoidRecord.objects.count() == 4
    assert set(VoidRecord.objects.values_list("selection", flat=True)) == {"filter: IP hash=bad-ip"}
    assert len(set(VoidRecord.objects.values_list("batch", flat=True))) == 1
    assert (tally(depin), tally(ai)) == (0, 3)
    assert tallies_match_votes(category)


def test_void_by_email_domain_and_time_range(client, moderator, votes):
    category, depin, ai = votes
    now = timezone.now()
    Vote.objects.filter(email="bot0@farm.example").update(confirmed_at=now - datetime.timedelta(days=2))
    client.force_login(moderator)
    client.post(
        "/admin/awards/votes/void/",
        {
            "email_domain": "@FARM.example",
            "since": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "until": (now + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "Burst from one domain",
        },
    )
    assert sorted(Vote.objects.filter(voided_at__isnull=False).values_list("email", flat=True)) == [
        "bot1@farm.example",
        "bot2@farm.example",
        "bot3@farm.example",
    ]
    assert tally(depin) == 1
    assert tallies_match_votes(category)


def test_bulk_void_refuses_without_a_narrowing_filter(client, moderator, votes):
    client.force_login(moderator)
    response = client.post("/admin/awards/votes/void/", {"reason": "everything"}, follow=True)
    assert "Narrow the votes" in response.content.decode()
    assert Vote.objects.filter(voided_at__isnull=False).count() == 0


def test_voiding_twice_changes_nothing_more(moderator, votes):
    category, depin, _ = votes
    selection = Vote.objects.filter(nominee=depin)
    assert voting.void(selection, reason="first", moderator=moderator, selection="test") == 4
    assert voting.void(selection, reason="again", moderator=moderator, selection="test") == 0
    assert VoidRecord.objects.count() == 4
    assert tally(depin) == 0


def test_voiding_a_replaced_vote_leaves_the_tallies_alone(moderator):
    category, (depin, ai) = category_with("DePIN", "AI", allow_change=True)
    voting.confirm(ballot_for(depin))
    voting.confirm(ballot_for(ai))
    voting.void(
        Vote.objects.filter(replaced_at__isnull=False), reason="r", moderator=moderator, selection="t"
    )
    assert (tally(depin), tally(ai)) == (0, 1)


def test_a_voided_voter_may_vote_again(votes):
    category, depin, ai = votes
    voting.void(Vote.objects.filter(email="person0@mail.example"), reason="r", moderator=None, selection="t")
    outcome = voting.confirm(ballot_for(depin, email="person0@mail.example")).outcome
    assert outcome == voting.Outcome.COUNTED
    assert tallies_match_votes(category)


def test_void_log_lists_every_void(client, moderator, votes):
    client.force_login(moderator)
    client.post("/admin/awards/votes/void/", {"ip_hash": "bad-ip", "reason": "Farm"})
    page = client.get("/admin/awards/votes/log/").content.decode()
    assert page.count("Farm") == 4


def test_counted_votes_csv_hashes_emails(client, moderator, votes):
    category, depin, _ = votes
    voting.void(Vote.objects.filter(email="bot0@farm.example"), reason="r", moderator=None, selection="t")
    client.force_login(moderator)
    response = client.get(f"/admin/awards/votes/category/{category.pk}/votes.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "@" not in body.replace("farm.example", "").replace("mail.example", "")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 6  # the voided vote is not counted
    assert {row["email_hash"] for row in rows} >= {keyed_hash("email", "person0@mail.example")}
    assert "bot0@farm.example" not in body


def test_people_without_permission_cannot_see_or_void(client, django_user_model, votes):
    editor = django_user_model.objects.create_user("ed", password="pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    vote = Vote.objects.first()
    # Wagtail answers a permission error in the admin by sending the user back to the dashboard.
    for response in (
        client.get("/admin/awards/votes/"),
        client.get(f"/admin/awards/votes/category/{vote.category_id}/votes.csv"),
        client.post(f"/admin/awards/votes/{vote.pk}/void/", {"reason": "x"}),
        client.post("/admin/awards/votes/void/", {"ip_hash": "bad-ip", "reason": "x"}),
    ):
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert Vote.objects.filter(voided_at__isnull=False).count() == 0


def test_recount_rebuilds_tallies(votes):
    category, depin, ai = votes
    NomineeTally.objects.update(count=999)
    voting.recount(category)
    assert (tally(depin), tally(ai)) == (4, 3)


def test_bad_filter_is_explained(client, moderator, votes):
    client.force_login(moderator)
    response = client.get("/admin/awards/votes/", {"since": "2024-02-02T00:00", "until": "2024-01-01T00:00"})
    assert response.status_code == 400
    assert "must come after its start" in response.content.decode()


def test_void_one_never_redirects_off_site(client, moderator, votes):
    client.force_login(moderator)
    vote = Vote.objects.first()
    response = client.post(f"/admin/awards/votes/{vote.pk}/void/", {"reason": "r", "next": "//evil.example/"})
    assert response["Location"] == "/admin/awards/votes/"
    vote2 = Vote.objects.filter(voided_at__isnull=True).first()
    response = client.post(
        f"/admin/awards/votes/{vote2.pk}/void/", {"reason": "r", "next": "/admin/awards/votes/?p=2"}
    )
    assert response["Location"] == "/admin/awards/votes/?p=2"


def listed_votes(response):
    assert response.status_code == 200
    rows = BeautifulSoup(response.content, "html.parser").select("table.listing tbody tr")
    return [row.get_text(" ", strip=True) for row in rows]


def test_the_votes_listing_filters_sorts_and_paginates(client, moderator, votes, settings):
    category, depin, ai = votes
    client.force_login(moderator)
    assert len(listed_votes(client.get("/admin/awards/votes/"))) == 7
    for n in range(60):  # a bigger farm: the listing pages by 50
        voting.confirm(ballot_for(depin, email=f"farm{n}@bots.example", ip_hash="farm-ip"))
    first, second = client.get("/admin/awards/votes/"), client.get("/admin/awards/votes/", {"p": 2})
    assert (len(listed_votes(first)), len(listed_votes(second))) == (50, 17)
    assert "67 votes match." in first.content.decode()

    by_domain = listed_votes(client.get("/admin/awards/votes/", {"email_domain": "MAIL.example"}))
    assert len(by_domain) == 3 and all("mail.example" in row for row in by_domain)
    assert len(listed_votes(client.get("/admin/awards/votes/", {"category": category.pk}))) == 50
    ascending = listed_votes(client.get("/admin/awards/votes/", {"ordering": "email_domain"}))
    descending = listed_votes(client.get("/admin/awards/votes/", {"ordering": "-email_domain"}))
    assert "bots.example" in ascending[0] and "mail.example" in descending[0]

    person0 = Vote.objects.filter(email="person0@mail.example")
    voting.void(person0, reason="Dup", moderator=None, selection="t")
    voided = listed_votes(client.get("/admin/awards/votes/", {"status": "voided"}))
    assert len(voided) == 1 and "voided: Dup" in voided[0]


def test_moderators_void_ticked_votes_in_bulk_with_a_reason(client, moderator, votes):
    category, depin, ai = votes
    client.force_login(moderator)
    chosen = list(Vote.objects.filter(nominee=depin).order_by("pk")[:2])
    url = "/admin/bulk/awards/vote/void/?next=/admin/awards/votes/&" + "&".join(f"id={v.pk}" for v in chosen)
    confirm = client.get(url).content.decode()
    assert "Void 2 votes?" in confirm and 'name="reason"' in confirm

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "Say why these votes are void" in refused.content.decode()
    assert not VoidRecord.objects.exists()

    response = client.post(url, {"reason": "Same device, two addresses"})
    assert response.status_code == 302 and response["Location"] == "/admin/awards/votes/"
    records = VoidRecord.objects.all()
    assert {r.vote_id for r in records} == {v.pk for v in chosen}
    assert {(r.reason, r.moderator, r.selection) for r in records} == {
        ("Same device, two addresses", moderator, "2 votes ticked")
    }
    assert tally(depin) == 2 and tallies_match_votes(category)


def test_select_all_voids_what_a_narrowing_filter_shows_and_nothing_without_one(client, moderator, votes):
    category, depin, ai = votes
    client.force_login(moderator)
    everything = "/admin/bulk/awards/vote/void/?next=/admin/awards/votes/&id=all"
    assert "Narrow the votes" in client.get(everything).content.decode()
    client.post(everything, {"reason": "all of them"})
    assert not VoidRecord.objects.exists()

    client.post(everything + "&ip_hash=bad-ip", {"reason": "Farm"})
    assert Vote.objects.filter(voided_at__isnull=False).count() == 4
    assert (tally(depin), tally(ai)) == (0, 3)


def test_votes_are_never_edited_or_deleted_in_the_admin(client, admin_client, moderator, votes):
    vote = Vote.objects.first()
    client.force_login(moderator)
    for user_client in (client, admin_client):
        for path in (f"/admin/awards/votes/edit/{vote.pk}/", f"/admin/awards/votes/delete/{vote.pk}/"):
            response = user_client.get(path)
            assert (response.status_code, response["Location"]) == (302, "/admin/"), path
    assert Vote.objects.filter(pk=vote.pk, voided_at__isnull=True).exists()


def test_the_void_log_is_searched_and_for_vote_watchers_only(client, moderator, votes, django_user_model):
    client.force_login(moderator)
    client.post("/admin/awards/votes/void/", {"ip_hash": "bad-ip", "reason": "Farm"})
    vote = Vote.objects.filter(voided_at__isnull=True).first()
    client.post(f"/admin/awards/votes/{vote.pk}/void/", {"reason": "Typo squatter"})
    assert len(listed_votes(client.get("/admin/awards/votes/log/"))) == 5
    assert len(listed_votes(client.get("/admin/awards/votes/log/", {"q": "squatter"}))) == 1

    editor = django_user_model.objects.create_user("ed", password="pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert client.get("/admin/awards/votes/log/")["Location"] == "/admin/"
