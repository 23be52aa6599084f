"""Counting a confirmed ballot, changing and voiding votes, keeping tallies in step.

Every write to votes goes through here so that `NomineeTally` always equals the number
of counted votes: the tally change happens in the same transaction as the vote change,
and tally rows are always touched in nominee-id order so two transactions never wait
on each other in a cycle.
"""

import enum
import functools
import hashlib
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from awards.ballots import email_domain
from awards.models import Category, Nominee, NomineeTally, Program, VoidRecord, Vote

# A confirmation that loses a race to a concurrent one retries after the winner has
# committed; the second look always decides, the third is a safety margin.
ATTEMPTS = 3


class Outcome(enum.Enum):
    COUNTED = "counted"
    CHANGED = "changed"
    REPLAYED = "replayed"  # this link was used before; nothing changes
    ALREADY_VOTED = "already_voted"  # another vote counts and this category forbids changes
    NOT_OPEN = "not_open"
    GONE = "gone"  # the category or nominee no longer exists


@dataclass
class Confirmation:
    outcome: Outcome
    category: Category | None = None
    vote: Vote | None = None


def confirm(ballot, now=None):
    """Count ``ballot`` (from a verified link) at most once; see Outcome for the answers.

    On PostgreSQL a new vote costs one statement: it reads the nominee with its category
    and program, inserts the vote and counts it. Anything else (a replayed link, a voter
    with a counted vote, a closed window) is decided in a short transaction after it.
    """
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        nominee, vote_id = _count_if_first(ballot, now)
        if vote_id is not None:
            vote = _counted_vote(vote_id, ballot, nominee, now)
            return Confirmation(Outcome.COUNTED, nominee.category, vote)
    else:
        nominee = (
            Nominee.objects.select_related("category__program")
            .filter(pk=ballot.nominee_id, category_id=ballot.category_id)
            .first()
        )
    if nominee is None:
        category = Category.objects.select_related("program").filter(pk=ballot.category_id).first()
        return Confirmation(Outcome.GONE, category)
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _confirm_once(ballot, nominee, now)
        except IntegrityError:
            # A concurrent confirmation of this link or this email committed first.
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _columns(model, alias):
    return [f"{alias}.{connection.ops.quote_name(field.column)}" for field in model._meta.concrete_fields]


@functools.cache
def _count_if_first_sql():
    """The common case in one statement and one round trip.

    Insert the vote if the nominee belongs to the ballot's category, voting is open, and
    neither this link nor this voter has a vote yet (either unique constraint), and count
    it if inserted; return the nominee, category and program rows with the new vote's id
    (NULL when nothing was inserted). No row at all: the nominee is gone.
    """
    selected = ", ".join(_columns(Nominee, "n") + _columns(Category, "c") + _columns(Program, "p"))
    # Only column names from the models go into the text; every value is a parameter.
    return f"""
WITH open_nominee AS (
    SELECT n.id FROM awards_nominee n JOIN awards_category c ON c.id = n.category_id
    WHERE n.id = %(nominee)s AND n.category_id = %(category)s
      AND c.opens_at <= %(now)s AND %(now)s < c.closes_at
), new_vote AS (
    INSERT INTO awards_vote (category_id, nominee_id, email, email_domain, token, requested_at,
                             confirmed_at, ip_hash, user_agent_hash, void_reason)
    SELECT %(category)s, id, %(email)s, %(domain)s, %(token)s, %(requested_at)s,
           %(now)s, %(ip_hash)s, %(ua_hash)s, ''
    FROM open_nominee
    ON CONFLICT DO NOTHING
    RETURNING id
), counted AS (
    INSERT INTO awards_nomineetally (nominee_id, count)
    SELECT %(nominee)s, 1 FROM new_vote
    ON CONFLICT (nominee_id) DO UPDATE SET count = awards_nomineetally.count + 1
)
SELECT (SELECT id FROM new_vote), {selected}
FROM awards_nominee n
JOIN awards_category c ON c.id = n.category_id
JOIN awards_program p ON p.id = c.program_id
WHERE n.id = %(nominee)s AND n.category_id = %(category)s
"""  # noqa: S608


def _count_if_first(ballot, now):
    """(nominee with category and program, new vote id or None); (None, None) if it is gone."""
    params = {
        "category": ballot.category_id,
        "nominee": ballot.nominee_id,
        "email": ballot.email,
        "domain": email_domain(ballot.email),
        "token": ballot.token,
        "requested_at": ballot.requested_datetime,
        "now": now,
        "ip_hash": ballot.ip_hash,
        "ua_hash": ballot.user_agent_hash,
    }
    with connection.cursor() as cursor:
        cursor.execute(_count_if_first_sql(), params)
        row = cursor.fetchone()
    if row is None:
        return None, None
    values = iter(row[1:])
    instances = []
    for model in (Nominee, Category, Program):
        fields = model._meta.concrete_fields
        instances.append(
            model.from_db(connection.alias, [f.attname for f in fields], [next(values) for _ in fields])
        )
    nominee, category, program = instances
    category.program = program
    nominee.category = category
    return nominee, row[0]


def _counted_vote(vote_id, ballot, nominee, now):
    return Vote(
        pk=vote_id,
        category=nominee.category,
        nominee=nominee,
        email=ballot.email,
        email_domain=email_domain(ballot.email),
        token=ballot.token,
        requested_at=ballot.requested_datetime,
        confirmed_at=now,
        ip_hash=ballot.ip_hash,
        user_agent_hash=ballot.user_agent_hash,
    )


def lock_voter(category_id, email):
    """Queue confirmations by the same voter in one category behind each other.

    Only needed where votes may change: the unique constraint alone keeps one counted
    vote, but voters changing their vote from several links at once would then keep
    failing on each other's fresh rows; a transaction-scoped advisory lock lets them
    take turns instead. SQLite needs none: it runs one write transaction at a time.
    """
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"awards:{category_id}:{email}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


def _confirm_once(ballot, nominee, now):
    category = nominee.category
    if category.allow_change:
        lock_voter(category.pk, ballot.email)
    seen = list(
        Vote.objects.select_related("nominee").filter(
            Q(token=ballot.token)
            | Q(category=category, email=ballot.email, voided_at__isnull=True, replaced_at__isnull=True)
        )
    )
    used = next((vote for vote in seen if vote.token == ballot.token), None)
    if used is not None:
        return Confirmation(Outcome.REPLAYED, category, used)
    if not category.is_open(now):
        return Confirmation(Outcome.NOT_OPEN, category)
    current = seen[0] if seen else None
    if current is not None and not category.allow_change:
        return Confirmation(Outcome.ALREADY_VOTED, category, current)
    deltas = {nominee.pk: 1}
    # Conditional, so a moderator voiding the old vote meanwhile is not undone or counted twice.
    if current is not None and Vote.counted.filter(pk=current.pk).update(replaced_at=now):
        deltas[current.nominee_id] = deltas.get(current.nominee_id, 0) - 1
    vote = Vote.objects.create(
        category=category,
        nominee=nominee,
        email=ballot.email,
        email_domain=email_domain(ballot.email),
        token=ballot.token,
        requested_at=ballot.requested_datetime,
        confirmed_at=now,
        ip_hash=ballot.ip_hash,
        user_agent_hash=ballot.user_agent_hash,
    )
    apply_tally_changes(deltas)
    return Confirmation(Outcome.CHANGED if current else Outcome.COUNTED, category, vote)


def apply_tally_changes(deltas):
    for nominee_id in sorted(deltas):
        change = deltas[nominee_id]
        if not change:
            continue
        if not NomineeTally.objects.filter(pk=nominee_id).update(count=F("count") + change):
            NomineeTally.objects.get_or_create(nominee_id=nominee_id)
            NomineeTally.objects.filter(pk=nominee_id).update(count=F("count") + change)


def void(votes, *, reason, moderator, selection):
    """Void every not-yet-voided vote in the ``votes`` queryset; one audit row per vote.

    Returns how many votes were voided. Counted votes leave the tallies at once.
    """
    reason = reason.strip()
    if not reason:
        raise ValueError("Give a reason for voiding.")
    now = timezone.now()
    batch = uuid.uuid4()
    with transaction.atomic():
        picked = list(
            votes.filter(voided_at__isnull=True)
            .select_for_update()
            .order_by("pk")
            .values_list("pk", "nominee_id", "replaced_at")
        )
        if not picked:
            return 0
        ids = [pk for pk, _, _ in picked]
        for start in range(0, len(ids), 5000):  # SQLite caps the number of query parameters
            Vote.objects.filter(pk__in=ids[start : start + 5000]).update(voided_at=now, void_reason=reason)
        VoidRecord.objects.bulk_create(
            [
                VoidRecord(
                    vote_id=pk,
                    moderator=moderator,
                    reason=reason,
                    selection=selection,
                    batch=batch,
                    created_at=now,
                )
                for pk in ids
            ],
            batch_size=1000,
        )
        deltas = {}
        for _, nominee_id, replaced_at in picked:
            if replaced_at is None:
                deltas[nominee_id] = deltas.get(nominee_id, 0) - 1
        apply_tally_changes(deltas)
    return len(ids)


def recount(category):
    """Rebuild the category's tallies from its counted votes (after bulk loads or repairs)."""
    with transaction.atomic():
        nominee_ids = list(category.nominees.order_by("pk").values_list("pk", flat=True))
        for nominee_id in nominee_ids:
            NomineeTally.objects.get_or_create(nominee_id=nominee_id)
        list(NomineeTally.objects.filter(pk__in=nominee_ids).order_by("pk").select_for_update())
        counts = dict(
            Vote.counted.filter(category=category)
            .values_list("nominee_id")
            .annotate(n=Count("pk"))
            .values_list("nominee_id", "n")
        )
        for nominee_id in nominee_ids:
            NomineeTally.objects.filter(pk=nominee_id).update(count=counts.get(nominee_id, 0))
