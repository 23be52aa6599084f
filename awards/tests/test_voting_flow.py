import datetime
import re
from dataclasses import asdict

import pytest
from django.core import mail, signing
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone

from awards import ballots
from awards.models import NomineeTally, Vote
from awards.tests.factories import ballot_for, category_with
from core import promotions

pytestmark = pytest.mark.django_db


@pytest.fixture
def narratives():
    return category_with("DePIN", "AI", "GameFi", title="Top Narratives")


def vote(client, category, nominee, email="ada@example.com", **extra):
    data = {"nominee": nominee.pk, "email": email, "homepage": "", **extra}
    return client.post(category.get_absolute_url(), data, REMOTE_ADDR=extra.pop("ip", "203.0.113.9"))


def link_from_last_email():
    return re.search(r"https?://[^/\s]+(/awards/vote/\S+/)", mail.outbox[-1].body).group(1)


def tally_of(nominee):
    return NomineeTally.objects.get(nominee=nominee).count


def test_category_page_lists_nominees_and_the_vote_form(client, narratives):
    category, nominees = narratives
    response = client.get(category.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert all(f'value="{n.pk}"' in html for n in nominees)
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="homepage"' in html


def test_nominee_order_is_shuffled_per_visitor_and_stable_for_each():
    category, _ = category_with(*[f"Project {number:02}" for number in range(12)])

    def order(client):
        html = client.get(category.get_absolute_url()).content.decode()
        return re.findall(r"<strong>(Project \d+)</strong>", html)

    visitors = [Client() for _ in range(5)]
    orders = [order(visitor) for visitor in visitors]
    assert all(order(visitor) == seen for visitor, seen in zip(visitors, orders, strict=True))
    assert len({tuple(seen) for seen in orders}) > 1
    assert all(sorted(seen) == [f"Project {n:02}" for n in range(12)] for seen in orders)


def test_vote_emails_a_signed_link_and_confirming_on_its_page_counts_the_vote(client, narratives):
    category, (depin, ai, _) = narratives
    response = vote(client, category, depin, email=" Ada@Example.COM ")
    assert response.status_code == 302
    assert client.get(response["Location"]).content.decode().count("Check your inbox") >= 1
    assert Vote.objects.count() == 0  # nothing counts before the address is proven

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    assert "Top Narratives" in mail.outbox[0].subject
    assert 'press "Confirm my vote"' in mail.outbox[0].body
    page = client.get(link_from_last_email())
    assert page.status_code == 200
    assert "Confirm your vote" in page.content.decode()
    assert Vote.objects.count() == 0
    response = client.post(link_from_last_email())
    assert response.status_code == 200
    assert "Your vote counted" in response.content.decode()
    assert "secured the top position with 100.0% of the total votes" in response.content.decode()
    vote_row = Vote.objects.get()
    assert (vote_row.email, vote_row.email_domain) == ("ada@example.com", "example.com")
    assert vote_row.nominee == depin
    assert len(vote_row.ip_hash) == 32 and "203.0.113.9" not in vote_row.ip_hash
    assert tally_of(depin) == 1


def test_replaying_a_link_is_harmless(client, narratives):
    category, (depin, *_) = narratives
    vote(client, category, depin)
    link = link_from_last_email()
    client.post(link)
    response = client.post(link)
    assert response.status_code == 200
    assert "already used" in response.content.decode()
    assert "is already counted" in response.content.decode()
    assert Vote.objects.count() == 1
    assert tally_of(depin) == 1


def test_tampered_link_gets_a_clear_400_page(client, narratives):
    category, (depin, *_) = narratives
    vote(client, category, depin)
    link = link_from_last_email()
    tampered = link[:-6] + ("A" if link[-6] != "A" else "B") + link[-5:]
    response = client.get(tampered)
    assert response.status_code == 400
    assert "This voting link is not valid" in response.content.decode()
    assert client.get("/awards/vote/not-a-ballot/").status_code == 400
    assert Vote.objects.count() == 0


def signed_at(ballot, moment):
    signer = signing.TimestampSigner(salt=ballots.SALT)
    signer.timestamp = lambda: signing.b62_encode(int(moment.timestamp()))
    return signer.sign_object(asdict(ballot), compress=True)


def test_expired_link_gets_a_clear_410_page(client, narratives):
    category, (depin, *_) = narratives
    stale = signed_at(ballot_for(depin), timezone.now() - datetime.timedelta(hours=48, minutes=1))
    response = client.get(f"/awards/vote/{stale}/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert Vote.objects.count() == 0


def test_links_work_for_48_hours(narratives):
    _, (depin, *_) = narratives
    ballot = ballot_for(depin)
    assert ballots.unsign(ballots.sign(ballot)) == ballot
    fresh_enough = signed_at(ballot, timezone.now() - datetime.timedelta(hours=47, minutes=59))
    assert ballots.unsign(fresh_enough) == ballot
    with pytest.raises(ballots.ExpiredBallot):
        ballots.unsign(signed_at(ballot, timezone.now() - datetime.timedelta(hours=48, seconds=1)))


def test_voting_outside_the_window_is_refused_on_request_and_on_confirmation(client, narratives):
    category, (depin, *_) = narratives
    vote(client, category, depin)
    link = link_from_last_email()
    category.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    category.save()

    for response in (client.get(link), client.post(link)):
        assert response.status_code == 403
        assert "closed on" in response.content.decode()
        assert "Confirm my vote" not in response.content.decode()
    response = vote(client, category, depin, email="late@example.com")
    assert response.status_code == 403
    assert "closed on" in response.content.decode()
    assert len(mail.outbox) == 1
    assert Vote.objects.count() == 0


def test_one_counted_vote_per_email_when_changes_are_not_allowed(client, narratives):
    category, (depin, ai, _) = narratives
    vote(client, category, depin)
    first = link_from_last_email()
    vote(client, category, ai)
    second = link_from_last_email()
    assert client.post(first).status_code == 200
    response = client.post(second)
    assert response.status_code == 409
    assert "already voted" in response.content.decode()
    assert list(Vote.counted.values_list("nominee", flat=True)) == [depin.pk]
    assert (tally_of(depin), tally_of(ai)) == (1, 0)


def test_a_newer_confirmed_vote_replaces_the_older_where_allowed(client, narratives):
    category, (depin, ai, _) = narratives
    category.allow_change = True
    category.save()
    vote(client, category, depin)
    first = link_from_last_email()
    vote(client, category, ai)
    second = link_from_last_email()
    client.post(first)
    response = client.post(second)
    assert response.status_code == 200
    assert "replaces your earlier vote" in response.content.decode()
    assert list(Vote.counted.values_list("nominee", flat=True)) == [ai.pk]
    assert Vote.objects.filter(replaced_at__isnull=False).count() == 1
    assert (tally_of(depin), tally_of(ai)) == (0, 1)
    # Replaying the older link does not bring the old vote back.
    assert "replaced by a newer one" in client.post(first).content.decode()
    assert (tally_of(depin), tally_of(ai)) == (0, 1)


def test_honeypot_refuses_the_vote_without_sending_mail(client, narratives):
    category, (depin, *_) = narratives
    response = vote(client, category, depin, homepage="http://spam.example")
    assert response.status_code == 400
    assert "could not be accepted" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-address"}, "Enter a valid email address"),
        ({"email": ""}, "Enter your email address"),
        ({"nominee": ""}, "Pick a nominee"),
        ({"nominee": "999999"}, "not in this category"),
        ({"nominee": "abc"}, "not in this category"),
    ],
)
def test_bad_input_is_explained_with_a_400(client, narratives, data, message):
    category, (depin, *_) = narratives
    payload = {"nominee": depin.pk, "email": "ada@example.com", "homepage": "", **data}
    response = client.post(category.get_absolute_url(), payload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert mail.outbox == []


def test_nominee_from_another_category_is_refused(client, narratives):
    category, _ = narratives
    _, (stranger,) = category_with("Elsewhere")
    response = vote(client, category, stranger)
    assert response.status_code == 400
    assert mail.outbox == []


def test_csrf_is_enforced(narratives):
    category, (depin, *_) = narratives
    response = Client(enforce_csrf_checks=True).post(
        category.get_absolute_url(), {"nominee": depin.pk, "email": "ada@example.com"}
    )
    assert response.status_code == 403
    assert mail.outbox == []


def test_rate_limit_per_ip(client, narratives, settings):
    settings.AWARDS_RATE_PER_IP = (3, 3600)
    category, (depin, *_) = narratives
    statuses = [vote(client, category, depin, email=f"v{n}@example.com").status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    response = vote(client, category, depin, email="other@example.org")
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Too many votes" in response.content.decode()
    assert len(mail.outbox) == 3
    assert (
        client.post(
            category.get_absolute_url(), {"nominee": depin.pk, "email": "x@y.io"}, REMOTE_ADDR="198.51.100.1"
        ).status_code
        == 302
    )


def test_rate_limit_per_email_domain(client, narratives, settings):
    settings.AWARDS_RATE_PER_EMAIL_DOMAIN = (2, 3600)
    category, (depin, *_) = narratives
    statuses = [
        vote(client, category, depin, email=f"v{n}@botfarm.example", ip=f"192.0.2.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert vote(client, category, depin, email="ada@example.com").status_code == 302
    assert len(mail.outbox) == 3


def test_confirming_for_a_deleted_nominee_is_a_clear_410(client, narratives):
    category, (depin, *_) = narratives
    ballot = ballot_for(depin)
    depin.delete()
    link = f"/awards/vote/{ballots.sign(ballot)}/"
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 410
        assert "no longer exists" in response.content.decode()


def test_program_pages_list_categories(client, narratives):
    category, _ = narratives
    assert category.title in client.get("/awards/").content.decode()
    response = client.get(category.program.get_absolute_url())
    assert response.status_code == 200
    assert category.get_absolute_url() in response.content.decode()
    assert client.get("/awards/no-such-program/").status_code == 404
    assert client.get(f"/awards/{category.program.slug}/nope/").status_code == 404


def test_a_missing_tally_row_is_created_by_the_first_vote(narratives):
    category, (depin, *_) = narratives
    NomineeTally.objects.filter(nominee=depin).delete()
    from awards import voting

    assert voting.confirm(ballot_for(depin)).outcome == voting.Outcome.COUNTED
    assert tally_of(depin) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement path is PostgreSQL's")
def test_a_new_vote_is_read_counted_and_shown_with_one_query(client, narratives, django_assert_num_queries):
    category, (depin, *_) = narratives
    link = f"/awards/vote/{ballots.sign(ballot_for(depin, email='ada@example.com'))}/"
    promotions.web_slot(RequestFactory().get("/"), "site_banner")  # the day's slots, made once a day
    with django_assert_num_queries(2):  # the vote with its nominee, category and program; the results
        response = client.post(link)
    page = response.content.decode()
    assert response.status_code == 200
    assert "your vote for <strong>DePIN</strong> in Top Narratives is counted" in page
    assert f'href="{category.program.get_absolute_url()}"' in page
    assert f"More categories in {category.program.title}" in page
    assert tally_of(depin) == 1
    assert Vote.counted.get().email == "ada@example.com"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement path is PostgreSQL's")
def test_replays_and_second_votes_are_answered_with_one_query(client, narratives, django_assert_num_queries):
    category, (depin, ai, _) = narratives
    link = f"/awards/vote/{ballots.sign(ballot_for(depin, email='ada@example.com'))}/"
    assert client.post(link).status_code == 200
    with django_assert_num_queries(1):  # the results were rendered for the first page
        replay = client.post(link)
    assert replay.status_code == 200
    assert "Your vote for <strong>DePIN</strong> in Top Narratives is already counted; confirming again" in (
        replay.content.decode()
    )
    with django_assert_num_queries(1):
        second = client.post(f"/awards/vote/{ballots.sign(ballot_for(ai, email='ada@example.com'))}/")
    assert second.status_code == 409
    assert "You have already voted" in second.content.decode()
    assert (tally_of(depin), tally_of(ai)) == (1, 0)


def test_voters_for_the_same_nominee_see_its_current_name(client, narratives):
    category, (depin, *_) = narratives
    first = client.post(f"/awards/vote/{ballots.sign(ballot_for(depin, email='a@example.com'))}/")
    assert "your vote for <strong>DePIN</strong>" in first.content.decode()
    depin.name = "DePIN networks"
    depin.save()
    second = client.post(f"/awards/vote/{ballots.sign(ballot_for(depin, email='b@example.com'))}/")
    assert "your vote for <strong>DePIN networks</strong>" in second.content.decode()
    assert tally_of(depin) == 2


def test_a_signed_in_editor_gets_a_page_of_their_own(client, narratives, django_user_model):
    category, (depin, *_) = narratives
    anonymous = client.post(f"/awards/vote/{ballots.sign(ballot_for(depin, email='a@example.com'))}/")
    assert "wagtail-userbar" not in anonymous.content.decode()
    editor = Client()
    editor.force_login(django_user_model.objects.create_superuser("editor", "editor@example.com", "pw"))
    own = editor.post(f"/awards/vote/{ballots.sign(ballot_for(depin, email='editor@example.com'))}/")
    assert "your vote for <strong>DePIN</strong>" in own.content.decode()
    assert "wagtail-userbar" in own.content.decode()
    again = Client().post(f"/awards/vote/{ballots.sign(ballot_for(depin, email='c@example.com'))}/")
    assert "wagtail-userbar" not in again.content.decode()
    assert tally_of(depin) == 3
