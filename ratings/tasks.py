from celery import shared_task
from django.conf import settings

from .providers import get_provider
from .refresh import refresh


@shared_task(name="ratings.refresh_daily")
def refresh_daily():
    """Grade today from the configured provider; catches up on missed days by itself."""
    result = refresh(get_provider(), limit=settings.RATINGS_TOKENS)
    return {"day": result.run.day.isoformat(), "graded": result.tokens_graded, "stale": result.tokens_stale}
