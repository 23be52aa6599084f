from celery import shared_task
from django.conf import settings

from .providers import get_provider
from .refresh import refresh
from .signals import grades_published


@shared_task(name="ratings.refresh_daily")
def refresh_daily():
    """Grade today from the configured provider; catches up on missed days by itself.

    Once the day's grades are stored, ``grades_published`` tells whoever listens (the
    newsletters app queues its grade alerts then, in a task of their own, so a mail
    problem never fails the refresh).
    """
    result = refresh(get_provider(), limit=settings.RATINGS_TOKENS)
    grades_published.send(
        sender=refresh_daily, day=result.run.day, graded=result.tokens_graded, stale=result.tokens_stale
    )
    return {"day": result.run.day.isoformat(), "graded": result.tokens_graded, "stale": result.tokens_stale}
