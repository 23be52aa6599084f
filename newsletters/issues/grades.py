"""A token's grades on a day and on its previous graded day, for the briefing and alerts.

Each lookup is a correlated subquery on GradeDay's (token, date) key, so it costs one
index probe per token and never scans the millions of history rows by date. "Previous"
is the token's last graded day before the given one: the day before, unless the token
was stale in between.
"""

from django.db.models import JSONField, Max, OuterRef, Subquery
from django.db.models.functions import JSONObject

from ratings import grading
from ratings.models import GradeDay, MarketDay, Token

# What explaining a change needs of each of its two days: both grades and every component.
EXPLAINING_FIELDS = ("trader_grade", "investor_grade", *(c.key for c in grading.COMPONENTS))


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


def scores_on(day, outer="pk"):
    """The token's grades and component scores on ``day``, as one JSON object."""
    return Subquery(
        GradeDay.objects.filter(token=OuterRef(outer), date=day).values(row=_scores_object())[:1],
        output_field=JSONField(),
    )


def scores_before(day, outer="pk"):
    """The same for the token's latest graded day before ``day``."""
    earlier = GradeDay.objects.filter(token=OuterRef(outer), date__lt=day).order_by("-date")
    return Subquery(earlier.values(row=_scores_object())[:1], output_field=JSONField())


def _scores_object():
    return JSONObject(**{name: name for name in EXPLAINING_FIELDS})
