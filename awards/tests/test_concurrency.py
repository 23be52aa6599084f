"""Concurrent confirmations against a real PostgreSQL: the constraint must hold."""

from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from awards import voting
from awards.ballots import sign
from awards.models import NomineeTally, Vote
from awards.tests.factories import ballot_for, category_with
from core.tests.concurrency import all_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'",
        reason="SQLite serialises every write, so it cannot show a race; CI runs this on PostgreSQL.",
    ),
]

THREADS = 12


def confirm_all_at_once(ballots):
    """Confirm every ballot from its own thread and connection, released together."""
    confirmations = all_at_once(*[(voting.confirm, ballot) for ballot in ballots])
    return Counter(confirmation.outcome for confirmation in confirmations)


def tallies(nominees):
    return [NomineeTally.objects.get(nominee=n).count for n in nominees]


def test_same_email_many_links_at_once_counts_one_vote():
    assert connection.vendor == "postgresql"
    category, nominees = category_with("DePIN", "AI", "GameFi")
    ballots = [ballot_for(nominees[n % 3], email="ada@example.com") for n in range(THREADS)]
    outcomes = confirm_all_at_once(ballots)
    assert outcomes == {voting.Outcome.COUNTED: 1, voting.Outcome.ALREADY_VOTED: THREADS - 1}
    assert Vote.objects.filter(category=category).count() == 1
    assert sum(tallies(nominees)) == 1


def test_same_link_replayed_at_once_counts_one_vote():
    _, nominees = category_with("DePIN", "AI")
    ballot = ballot_for(nominees[0])
    outcomes = confirm_all_at_once([ballot] * THREADS)
    assert outcomes == {voting.Outcome.COUNTED: 1, voting.Outcome.REPLAYED: THREADS - 1}
    assert Vote.objects.count() == 1
    assert tallies(nominees) == [1, 0]


def test_changing_votes_at_once_leaves_one_counted_vote_and_exact_tallies():
    category, nominees = category_with("DePIN", "AI", "GameFi", allow_change=True)
    ballots = [ballot_for(nominees[n % 3], email="ada@example.com") for n in range(THREADS)]
    outcomes = confirm_all_at_once(ballots)
    assert outcomes[voting.Outcome.COUNTED] == 1
    assert outcomes[voting.Outcome.CHANGED] == THREADS - 1
    counted = Vote.counted.get(category=category)
    assert Vote.objects.filter(replaced_at__isnull=False).count() == THREADS - 1
    assert tallies(nominees) == [int(n == counted.nominee) for n in nominees]


def test_many_voters_at_once_tally_exactly():
    _, nominees = category_with("DePIN", "AI", "GameFi")
    ballots = [ballot_for(nominees[n % 3], email=f"v{n}@example.com") for n in range(THREADS * 2)]
    outcomes = confirm_all_at_once(ballots)
    assert outcomes == {voting.Outcome.COUNTED: THREADS * 2}
    assert tallies(nominees) == [THREADS * 2 // 3] * 3


def pages_at_once(*requests):
    """Each (method, link) from its own browser, thread and connection, released together;
    how many of each (method, status, page heading) came back."""

    def fetch(method, link):
        response = getattr(Client(), method)(link)
        return method, response.status_code, heading(response)

    return Counter(all_at_once(*[(fetch, method, link) for method, link in requests]))


def heading(response):
    return response.content.decode().partition("<h1>")[2].partition("</h1>")[0]


def test_the_button_pressed_in_many_tabs_while_scanners_open_the_link_counts_one_vote():
    _, nominees = category_with("DePIN", "AI")
    link = f"/awards/vote/{sign(ballot_for(nominees[0]))}/"
    half = THREADS // 2
    pages = pages_at_once(*[("post", link)] * half, *[("get", link)] * half)
    assert pages["post", 200, "Your vote counted"] == 1
    assert pages["post", 200, "This link was already used"] == half - 1
    # A scanner opening the link before the vote sees the button, after it the vote.
    assert pages["get", 200, "Confirm your vote"] + pages["get", 200, "This link was already used"] == half
    assert Vote.objects.count() == 1
    assert tallies(nominees) == [1, 0]


def test_one_mailbox_under_many_spellings_confirmed_at_once_counts_one_vote():
    category, nominees = category_with("DePIN", "AI", "GameFi")
    spellings = [f"a.da+{n}@gmail.com" if n % 2 else f"ada+{n}@googlemail.com" for n in range(THREADS)]
    ballots = [ballot_for(nominees[n % 3], email=email) for n, email in enumerate(spellings)]
    pages = pages_at_once(*[("post", f"/awards/vote/{sign(ballot)}/") for ballot in ballots])
    assert pages == {
        ("post", 200, "Your vote counted"): 1,
        ("post", 409, "You have already voted"): THREADS - 1,
    }
    assert Vote.objects.get(category=category).voter == "ada@gmail.com"
    assert sum(tallies(nominees)) == 1
