"""Counting voters by mailbox keeps every vote cast before it, each under its old voter."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from awards import voting
from awards.models import Nominee, Vote
from awards.tests.factories import ballot_for

BEFORE_VOTERS = ("awards", "0002_leaner_vote_indexes")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_votes_cast_before_keep_their_stored_email_as_voter():
    old = migrate([BEFORE_VOTERS])
    now = timezone.now()
    program = old.get_model("awards", "Program").objects.create(title="Awards", slug="awards")
    category = old.get_model("awards", "Category").objects.create(
        program=program,
        title="Top",
        slug="top",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=1),
    )
    nominee = old.get_model("awards", "Nominee").objects.create(category=category, name="DePIN", sort_order=0)
    # Two counted votes the old rule allowed from one Gmail mailbox, and two more voters.
    emails = ["a.da@gmail.com", "ada@gmail.com", "b.ob@gmail.com", "grace@example.com"]
    for number, email in enumerate(emails):
        old.get_model("awards", "Vote").objects.create(
            category=category,
            nominee=nominee,
            email=email,
            email_domain=email.rpartition("@")[2],
            token=f"token{number}",
            requested_at=now,
            confirmed_at=now,
            ip_hash="ip",
            user_agent_hash="ua",
        )

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert sorted(Vote.counted.values_list("email", "voter")) == [
        ("a.da@gmail.com", "a.da@gmail.com"),
        ("ada@gmail.com", "ada@gmail.com"),
        ("b.ob@gmail.com", "b.ob@gmail.com"),
        ("grace@example.com", "grace@example.com"),
    ]
    nominee = Nominee.objects.get(name="DePIN")

    def confirming(email):
        return voting.confirm(ballot_for(nominee, email=email)).outcome

    # Voters whose stored email is already their mailbox keep their one vote.
    assert confirming("grace@example.com") == voting.Outcome.ALREADY_VOTED
    assert confirming("a.d.a+2@gmail.com") == voting.Outcome.ALREADY_VOTED
    # The stated price: a dotted Gmail voter from before may vote once more, then no more.
    assert confirming("bob@gmail.com") == voting.Outcome.COUNTED
    assert confirming("b.o.b+x@gmail.com") == voting.Outcome.ALREADY_VOTED
    assert Vote.counted.count() == 5
