import logging

from celery import shared_task
from django.conf import settings

from .locking import RefreshBusy
from .providers import get_provider
from .refresh import last_complete_day, refresh
from .signals import grades_published

log = logging.getLogger(__name__)


@shared_task(
    name="ratings.refresh_daily",
    # Below the broker's visibility timeout (settings: CELERY_BROKER_TRANSPORT_OPTIONS), so
    # a refresh ends, one way or the other, before the broker hands its message out again.
    soft_time_limit=settings.RATINGS_REFRESH_SOFT_TIME_LIMIT,
    time_limit=settings.RATINGS_REFRESH_TIME_LIMIT,
)
def refresh_daily():
    """Grade the last complete UTC day (yesterday) from the configured provider; catches up
    on missed days by itself. Beat runs it at 00:20 UTC, twenty minutes after the day closed.

    Once the day's grades are stored, ``grades_published`` tells whoever listens (the
    newsletters app queues its grade alerts then, in a task of their own, so a mail
    problem never fails the refresh). A refresh that finds another one running does
    nothing and says so.
    """
    day = last_complete_day()
    try:
        result = refresh(get_provider(), end=day, limit=settings.RATINGS_TOKENS)
    except RefreshBusy as busy:
        log.warning("Daily ratings refresh for %s skipped: %s", day, busy)
        return {"day": day.isoformat(), "skipped": str(busy)}
    grades_published.send(
        sender=refresh_daily, day=result.run.day, graded=result.tokens_graded, stale=result.tokens_stale
    )
    return {"day": day.isoformat(), "graded": result.tokens_graded, "stale": result.tokens_stale}
