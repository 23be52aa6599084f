"""Counting a confirmed ballot, changing and voiding votes, keeping tallies in step.

A voter is the mailbox the ballot's email reaches (core.fingerprints.mailbox), so
ada+1@gmail.com and a.da@gmail.com share one counted vote per category.

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
from core.fingerprints import mailbox

# A confirmation that loses a race to a concurrent one retries after the winner has
# committed; the second look always decides, the third is a safety margin.
ATTEMPTS = 3


class Outcome(enum.Enum):
    PENDING = "pending"  # (preview only) nothing counted yet; the voter may confirm
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
    vote: Vote | None = None  # the vote this link counted now (or earlier, when REPLAYED)
    nominee: Nominee | None = None  # (preview) the nominee confirming would vote for
    replaces: Vote | None = None  # (preview) the voter's counted vote that confirming would replace


def preview(ballot, now=None):
    """What confirming ``ballot`` would do now, read without writing anything.

    PENDING when the voter may confirm; otherwise the outcome confirming would answer
    (REPLAYED, NOT_OPEN, ALREADY_VOTED, GONE). The link's page shows this to anyone who
    opens it, mail scanners included, so it must never count a vote.
    """
    now = now or timezone.now()
    nominee = _nominee(ballot)
    if nominee is None:
        return _gone(ballot)
    category = nominee.category
    seen = _seen(ballot, category)
    if settled := _verdict(ballot, category, seen, now):
        return settled
    return Confirmation(Outcome.PENDING, category, nominee=nominee, replaces=seen[0] if seen else None)


def confirm(ballot, now=None):
    """Count ``ballot`` (from a verified link) at most once; see Outcome for the answers.

    On PostgreSQL one statement reads the nominee with its category and program, inserts
    and counts a new vote, and finds what this link or voter counted before: that settles
    new votes, replayed links and voters who already voted. A vote that replaces an
    earlier one, or a race with another confirmation, is decided in a transaction after it.
    """
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        look = _first_look(ballot, now)
        if look is not None and (settled := _settled_by(look, ballot, now)):
            return settled
        nominee = look.nominee if look else None
    else:
        nominee = _nominee(ballot)
    if nominee is None:
        return _gone(ballot)
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _confirm_once(ballot, nominee, now)
        except IntegrityError:
            # A concurrent confirmation of this link or this voter committed first.
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _nominee(ballot):
    """The ballot's nominee with its category and program, or None if gone or moved."""
    return (
        Nominee.objects.select_related("category__program")
        .filter(pk=ballot.nominee_id, category_id=ballot.category_id)
        .first()
    )


def _gone(ballot):
    category = Category.objects.select_related("program").filter(pk=ballot.category_id).first()
    return Confirmation(Outcome.GONE, category)


def _seen(ballot, category):
    """The vote this link counted, if any, and the voter's counted vote in ``category``."""
    counted = Q(voided_at__isnull=True, replaced_at__isnull=True)
    voters = Q(category=category, voter=mailbox(ballot.email)) & counted
    return list(Vote.objects.select_related("nominee").filter(Q(token=ballot.token) | voters))


def _verdict(ballot, category, seen, now):
    """The outcome the votes ``seen`` (see _seen) settle without counting; or None."""
    used = next((vote for vote in seen if vote.token == ballot.token), None)
    if used is not None:
        return Confirmation(Outcome.REPLAYED, category, used)
    if not category.is_open(now):
        return Confirmation(Outcome.NOT_OPEN, category)
    if seen and not category.allow_change:
        return Confirmation(Outcome.ALREADY_VOTED, category)
    return None


@dataclass
class FirstLook:
    nominee: Nominee  # with its category and program
    new_vote_id: int | None  # inserted and counted by this statement
    used: Vote | None  # the vote this link counted before
    voted: bool | None  # this voter had a counted vote in the category (None: not asked)


def _settled_by(look, ballot, now):
    """The outcome the first look decides, in the order _confirm_once decides it; or None.

    What it saw was committed when the statement began. A confirmation committing while it
    ran makes the insert skip without showing up here, and is left to the transaction.
    """
    category = look.nominee.category
    if look.new_vote_id is not None:
        vote = Vote(pk=look.new_vote_id, **vote_fields(ballot, category, look.nominee, now))
        return Confirmation(Outcome.COUNTED, category, vote)
    if look.used is not None:
        return Confirmation(Outcome.REPLAYED, category, look.used)
    if not category.is_open(now):
        return Confirmation(Outcome.NOT_OPEN, category)
    if look.voted and not category.allow_change:
        return Confirmation(Outcome.ALREADY_VOTED, category)
    return None


def vote_fields(ballot, category, nominee, now):
    """A confirmed vote's fields, as the ballot in the link carries them."""
    return {
        "category": category,
        "nominee": nominee,
        "email": ballot.email,
        "email_domain": email_domain(ballot.email),
        "voter": mailbox(ballot.email),
        "token": ballot.token,
        "requested_at": ballot.requested_datetime,
        "confirmed_at": now,
        "ip_hash": ballot.ip_hash,
        "user_agent_hash": ballot.user_agent_hash,
    }


def _columns(model, alias):
    return [f"{alias}.{connection.ops.quote_name(field.column)}" for field in model._meta.concrete_fields]


LOOKED_AT = (Nominee, Category, Program, Vote)  # the rows the first look returns, in order


@functools.cache
def _first_look_sql():
    """The first look in one statement and one round trip.

    Insert the vote if the nominee belongs to the ballot's category, voting is open, and
    neither this link nor this voter has a vote yet (either unique constraint), and count
    it if inserted. Return the new vote's id (NULL when nothing was inserted), whether the
    voter already had a counted vote (asked only when neither of those answers it), and the
    nominee, category, program and used-vote rows (the last all NULL for a link not used
    before). No row at all: the nominee is gone.
    """
    aliases = ("n", "c", "p", "used")
    selected = ", ".join(
        column for model, alias in zip(LOOKED_AT, aliases, strict=True) for column in _columns(model, alias)
    )
    # Only column names from the models go into the text; every value is a parameter.
    return f"""
WITH open_nominee AS (
    SELECT n.id FROM awards_nominee n JOIN awards_category c ON c.id = n.category_id
    WHERE n.id = %(nominee)s AND n.category_id = %(category)s
      AND c.opens_at <= %(now)s AND %(now)s < c.closes_at
), new_vote AS (
    INSERT INTO awards_vote (category_id, nominee_id, email, email_domain, voter, token,
                             requested_at, confirmed_at, ip_hash, user_agent_hash, void_reason)
    SELECT %(category)s, id, %(email)s, %(domain)s, %(voter)s, %(token)s, %(requested_at)s,
           %(now)s, %(ip_hash)s, %(ua_hash)s, ''
    FROM open_nominee
    ON CONFLICT DO NOTHING
    RETURNING id
), counted AS (
    INSERT INTO awards_nomineetally (nominee_id, count)
    SELECT %(nominee)s, 1 FROM new_vote
    ON CONFLICT (nominee_id) DO UPDATE SET count = awards_nomineetally.count + 1
)
SELECT (SELECT id FROM new_vote),
       -- Asked only when nothing was inserted and the link is unused: the planner can pick
       -- a poor index for it before the table's statistics catch up with a burst of votes.
       CASE WHEN used.id IS NULL AND NOT EXISTS (SELECT FROM new_vote) THEN
           EXISTS (SELECT FROM awards_vote voted
                   WHERE voted.category_id = %(category)s AND voted.voter = %(voter)s
                     AND voted.voided_at IS NULL AND voted.replaced_at IS NULL)
       END,
       {selected}
FROM awards_nominee n
JOIN awards_category c ON c.id = n.category_id
JOIN awards_program p ON p.id = c.program_id
LEFT JOIN awards_vote used ON used.token = %(token)s
WHERE n.id = %(nominee)s AND n.category_id = %(category)s
"""  # noqa: S608


def _first_look(ballot, now):
    """What the first look saw (see _first_look_sql), or None if the nominee is gone."""
    params = {
        "category": ballot.category_id,
        "nominee": ballot.nominee_id,
        "email": ballot.email,
        "domain": email_domain(ballot.email),
        "voter": mailbox(ballot.email),
        "token": ballot.token,
        "requested_at": ballot.requested_datetime,
        "now": now,
        "ip_hash": ballot.ip_hash,
        "ua_hash": ballot.user_agent_hash,
    }
    with connection.cursor() as cursor:
        cursor.execute(_first_look_sql(), params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = iter(row[2:])
    nominee, category, program = (_instance(model, values) for model in LOOKED_AT[:3])
    category.program = program
    nominee.category = category
    used_values = list(values)
    used = None
    if used_values[0] is not None:  # the id: this link counted a vote before
        used = _instance(Vote, iter(used_values))
        if used.nominee_id == nominee.pk:
            used.nominee = nominee
    return FirstLook(nominee=nominee, new_vote_id=row[0], used=used, voted=row[1])


def _instance(model, values):
    """A model instance from the next of ``values``, one per concrete field."""
    names = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(connection.alias, names, [next(values) for _ in names])


def lock_voter(category_id, voter):
    """Queue confirmations by the same voter in one category behind each other.

    Only needed where votes may change: the unique constraint alone keeps one counted
    vote, but voters changing their vote from several links at once would then keep
    failing on each other's fresh rows; a transaction-scoped advisory lock lets them
    take turns instead. SQLite needs none: it runs one write transaction at a time.
    """
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"awards:{category_id}:{voter}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


def _confirm_once(ballot, nominee, now):
    category = nominee.category
    if category.allow_change:
        lock_voter(category.pk, mailbox(ballot.email))
    seen = _seen(ballot, category)
    if settled := _verdict(ballot, category, seen, now):
        return settled
    current = seen[0] if seen else None
    deltas = {nominee.pk: 1}
    # Conditional, so a moderator voiding the old vote meanwhile is not undone or counted twice.
    if current is not None and Vote.counted.filter(pk=current.pk).update(replaced_at=now):
        deltas[current.nominee_id] = deltas.get(current.nominee_id, 0) - 1
    vote = Vote.objects.create(**vote_fields(ballot, category, nominee, now))
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
