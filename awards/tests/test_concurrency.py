"""Concurrent confirmations against a real PostgreSQL: the constraint must hold."""

from collections import Counter

import pytest
from django.db import connection

from awards import voting
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
