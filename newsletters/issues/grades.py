"""A token's grades on a day and on its previous graded day, for the briefing and alerts.

Each lookup is a correlated subquery on GradeDay's (token, date) key, so it costs one
index probe per token and never scans the millions of history rows by date. "Previous"
is the token's last graded day before the given one: the day before, unless the token
was stale in between.
"""

from django.db.models import Max, OuterRef, Subquery

from ratings.models import GradeDay, MarketDay, Token


def latest_graded_day():
    return Token.objects.aggregate(day=Max("graded_on"))["day"]


def grade_on(day, field, outer="pk"):
    """``field`` of the token's GradeDay on ``day``; ``outer`` names the outer token id."""
    return Subquery(GradeDay.objects.filter(token=OuterRef(outer), date=day).values(field)[:1])


def grade_before(day, field, outer="pk"):
    """``field`` of the token's latest GradeDay before ``day``."""
    return Subquery(
        GradeDay.objects.filter(token=OuterRef(outer), date__lt=day).order_by("-date").values(field)[:1]
    )


def volume_on(day, outer="pk"):
    return Subquery(MarketDay.objects.filter(token=OuterRef(outer), date=day).values("volume")[:1])
