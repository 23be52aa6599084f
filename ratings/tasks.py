from celery import shared_task
from django.conf import settings

from newsletters.tasks import send_grade_alerts

from .providers import get_provider
from .refresh import refresh


@shared_task(name="ratings.refresh_daily")
def refresh_daily():
    """Grade today from the configured provider; catches up on missed days by itself.

    Once the day's grades are stored, the grade alerts for it go out (a task of their own,
    so a mail problem never fails the refresh; a rerun sends no alert twice).
    """
    result = refresh(get_provider(), limit=settings.RATINGS_TOKENS)
    send_grade_alerts.delay()
    return {"day": result.run.day.isoformat(), "graded": result.tokens_graded, "stale": result.tokens_stale}
