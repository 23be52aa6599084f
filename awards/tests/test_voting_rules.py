"""Who counts as one voter, how many links an address and a domain can ask for, and that
only a person pressing the button on the link's page counts a vote."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from awards import ballots
from awards.models import NomineeTally, Vote
from awards.tests.factories import ballot_for, category_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def narratives():
    return category_with("DePIN", "AI", "GameFi", title="Top Narratives")


def vote(client, category, nominee, email, ip="203.0.113.9"):
    data = {"nominee": nominee.pk, "email": email, "homepage": ""}
    return client.post(category.get_absolute_url(), data, REMOTE_ADDR=ip)


def link_from_last_email():
    return re.search(r"https?://[^/\s]+(/awards/vote/\S+/)", mail.outbox[-1].body).group(1)


def tally_of(nominee):
    return NomineeTally.objects.get(nominee=nominee).count


def test_plus_tagged_and_dotted_gmail_addresses_are_one_voter(client, narratives):
    category, (depin, ai, _) = narratives
    links = []
    choices = [(depin, "ada+1@gmail.com"), (ai, "ada+2@gmail.com"), (ai, "A.Da@googlemail.com")]
    for number, (nominee, email) in enumerate(choices):
        assert vote(client, category, nominee, email, ip=f"198.51.100.{number}").status_code == 302
        links.append(link_from_last_email())
    # Each link goes to the address as typed; the provider delivers all three to one mailbox.
    assert [message.to for message in mail.outbox] == [
        ["ada+1@gmail.com"],
        ["ada+2@gmail.com"],
        ["a.da@googlemail.com"],
    ]

    assert client.post(links[0]).status_code == 200
    for link in links[1:]:
        response = client.post(link)
        assert response.status_code == 409
        assert "You have already voted" in response.content.decode()

    counted = Vote.counted.get(category=category)
    assert (counted.email, counted.voter, counted.nominee) == ("ada+1@gmail.com", "ada@gmail.com", depin)
    assert (tally_of(depin), tally_of(ai)) == (1, 0)
    results = client.get(category.get_results_url()).content.decode()
    assert "1 counted vote" in results


def test_other_domains_keep_tags_and_dots_apart(client, narratives):
    category, (depin, *_) = narratives
    for email in ["ada+1@example.com", "ada+2@example.com", "a.da@example.com"]:
        vote(client, category, depin, email)
        assert client.post(link_from_last_email()).status_code == 200
    assert tally_of(depin) == 3


def test_a_changed_vote_from_another_spelling_replaces_the_first(client, narratives):
    category, (depin, ai, _) = narratives
    category.allow_change = True
    category.save()
    vote(client, category, depin, "ada+first@gmail.com")
    client.post(link_from_last_email())
    vote(client, category, ai, "a.da+second@gmail.com")
    page = client.get(link_from_last_email()).content.decode()
    assert "Confirming replaces your earlier vote for <strong>DePIN</strong>" in page
    assert "replaces your earlier vote" in client.post(link_from_last_email()).content.decode()
    assert list(Vote.counted.values_list("nominee", flat=True)) == [ai.pk]
    assert (tally_of(depin), tally_of(ai)) == (0, 1)


def test_an_address_may_ask_for_five_links_an_hour_per_category(client, narratives, settings):
    assert settings.AWARDS_RATE_PER_ADDRESS == (5, 3600)
    category, (depin, *_) = narratives
    other_category, (other,) = category_with("Elsewhere")
    # Tags and dots do not buy more links: they are the same mailbox.
    spellings = [f"ada+{n}@gmail.com" for n in range(4)] + ["a.da@gmail.com", "a.d.a@gmail.com"]
    statuses = [
        vote(client, category, depin, email, ip=f"198.51.100.{n}").status_code
        for n, email in enumerate(spellings)
    ]
    assert statuses == [302] * 5 + [429]
    response = vote(client, category, depin, "ADA@gmail.com", ip="192.0.2.77")
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    page = response.content.decode()
    assert "This address has asked for 5 voting links in Top Narratives within the hour" in page
    assert "Check your inbox (and spam folder)" in page
    assert len(mail.outbox) == 5
    # Other people, and the same person in another category, are not held up.
    assert vote(client, category, depin, "grace@gmail.com").status_code == 302
    assert vote(client, other_category, other, "ada@gmail.com").status_code == 302


def test_a_handful_of_ips_cannot_spend_a_domains_budget(client, narratives, settings):
    """Five IPs hammering gmail.com get a share each; a sixth IP's gmail voter gets a link.

    35 attempts against a budget of 30 would spend it all without the per-IP share: the
    share (3 per IP) caps what the five can draw at 5 x 3 = 15.
    """
    settings.AWARDS_RATE_PER_EMAIL_DOMAIN = (30, 3600)
    settings.AWARDS_RATE_PER_IP_PER_EMAIL_DOMAIN = (3, 3600)
    category, (depin, *_) = narratives
    refused = []
    for attacker in range(5):
        for number in range(7):
            email = f"bot{attacker}x{number}@gmail.com"
            response = vote(client, category, depin, email, ip=f"192.0.2.{attacker}")
            if response.status_code == 429:
                refused.append(response)
    assert len(mail.outbox) == 5 * 3
    assert len(refused) == 5 * 4
    assert all(response["Retry-After"] == "3600" for response in refused)
    assert "for addresses at gmail.com from your network" in refused[0].content.decode()

    response = vote(client, category, depin, "grace@gmail.com", ip="198.51.100.6")
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["grace@gmail.com"]


def test_the_domain_budget_still_holds_against_many_ips(client, narratives, settings):
    settings.AWARDS_RATE_PER_EMAIL_DOMAIN = (4, 3600)
    settings.AWARDS_RATE_PER_IP_PER_EMAIL_DOMAIN = (3, 3600)
    category, (depin, *_) = narratives
    statuses = [
        vote(client, category, depin, f"v{n}@googlemail.com", ip=f"192.0.2.{n}").status_code for n in range(4)
    ]
    response = vote(client, category, depin, "late@gmail.com", ip="192.0.2.99")
    assert (statuses, response.status_code) == ([302] * 4, 429)
    assert "Too many votes were requested for addresses at gmail.com just now" in response.content.decode()


def test_opening_the_link_never_counts_a_vote(client, narratives):
    """A mail scanner fetches the link three times and asks for its head: nothing counts."""
    category, (depin, *_) = narratives
    vote(client, category, depin, "ada@example.com")
    link = link_from_last_email()
    scanner = Client()
    for _ in range(3):
        response = scanner.get(link)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Confirm your vote" in page
        assert "You asked to vote for <strong>DePIN</strong> in Top Narratives" in page
        assert re.search(r'<form method="post">\s*<input type="hidden" name="csrfmiddlewaretoken"', page)
        assert "Confirm my vote</button>" in page
        assert "no-store" in response["Cache-Control"]
    assert scanner.head(link).status_code == 200
    assert Vote.objects.count() == 0
    assert tally_of(depin) == 0

    # The person presses the button: the vote counts once, however often it is pressed.
    assert "Your vote counted" in client.post(link).content.decode()
    again = client.post(link)
    assert again.status_code == 200
    assert "is already counted" in again.content.decode()
    after = scanner.get(link)
    assert "is already counted" in after.content.decode()
    assert "Confirm my vote</button>" not in after.content.decode()
    assert Vote.objects.count() == 1
    assert tally_of(depin) == 1


def test_the_button_needs_the_pages_csrf_token(narratives):
    category, (depin, *_) = narratives
    link = f"/awards/vote/{ballots.sign(ballot_for(depin))}/"
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(link).status_code == 403
    assert Vote.objects.count() == 0
    page = browser.get(link).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(link, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "Your vote counted" in response.content.decode()
    assert tally_of(depin) == 1


def test_a_voter_who_already_voted_is_told_before_pressing_anything(client, narratives):
    category, (depin, ai, _) = narratives
    client.post(f"/awards/vote/{ballots.sign(ballot_for(depin, email='ada+1@gmail.com'))}/")
    response = client.get(f"/awards/vote/{ballots.sign(ballot_for(ai, email='ada+2@gmail.com'))}/")
    assert response.status_code == 409
    assert "You have already voted" in response.content.decode()
    assert "Confirm my vote</button>" not in response.content.decode()


def test_bad_links_keep_their_pages_when_posted(client, narratives):
    category, (depin, *_) = narratives
    from awards.tests.test_voting_flow import signed_at

    stale = signed_at(ballot_for(depin), timezone.now() - datetime.timedelta(hours=49))
    response = client.post(f"/awards/vote/{stale}/")
    assert response.status_code == 410
    assert "This voting link has expired" in response.content.decode()
    response = client.post("/awards/vote/not-a-ballot/")
    assert response.status_code == 400
    assert "This voting link is not valid" in response.content.decode()
    assert client.put(f"/awards/vote/{ballots.sign(ballot_for(depin))}/").status_code == 405
    assert Vote.objects.count() == 0
