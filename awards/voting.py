"""Counting a confirmed ballot, changing and voiding votes, keeping tallies in step.

Every write to votes goes through here so that `NomineeTally` always equals the number
of counted votes: the tally change happens in the same transaction as the vote change,
and tally rows are always touched in nominee-id order so two transactions never wait
on each other in a cycle.
"""

import enum
import hashlib
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from awards.ballots import email_domain
from awards.models import Category, Nominee, NomineeTally, VoidRecord, Vote

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
    """Count ``ballot`` (from a verified link) at most once; see Outcome for the answers."""
    now = now or timezone.now()
    category = Category.objects.select_related("program").filter(pk=ballot.category_id).first()
    if category is None or not Nominee.objects.filter(pk=ballot.nominee_id, category=category).exists():
        return Confirmation(Outcome.GONE, category)
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _confirm_once(ballot, category, now)
        except IntegrityError:
            # A concurrent confirmation of this link or this email committed first.
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def lock_voter(category_id, email):
    """Queue confirmations by the same voter in one category behind each other.

    The unique constraint alone keeps one counted vote, but voters changing their vote
    from several links at once would then keep failing on each other's fresh rows; a
    transaction-scoped advisory lock lets them take turns instead. SQLite needs none:
    it runs one write transaction at a time.
    """
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"awards:{category_id}:{email}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


def _confirm_once(ballot, category, now):
    lock_voter(category.pk, ballot.email)
    used = Vote.objects.filter(token=ballot.token).first()
    if used is not None:
        return Confirmation(Outcome.REPLAYED, category, used)
    if not category.is_open(now):
        return Confirmation(Outcome.NOT_OPEN, category)
    current = Vote.counted.select_for_update().filter(category=category, email=ballot.email).first()
    deltas = {ballot.nominee_id: 1}
    if current is not None:
        if not category.allow_change:
            return Confirmation(Outcome.ALREADY_VOTED, category, current)
        current.replaced_at = now
        current.save(update_fields=["replaced_at"])
        deltas[current.nominee_id] = deltas.get(current.nominee_id, 0) - 1
    vote = Vote.objects.create(
        category=category,
        nominee_id=ballot.nominee_id,
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
