"""Demo ratings for load_demo: a year of seeded market data and grades for 6,000 tokens.

Idempotent: a second run the same day finds today graded and stops; on a later day it
fetches only the days missed since, as the daily task would.
"""

from django.conf import settings
from django.utils import timezone

from .management.commands.refresh_ratings import ProgressBar
from .models import Token
from .providers import get_provider
from .refresh import refresh


def load(stdout):
    today = timezone.now().date()
    wanted = settings.RATINGS_TOKENS
    if Token.objects.filter(graded_on=today).count() >= wanted:
        stdout.write(f"Ratings: {wanted:,} tokens already graded for {today}.")
        return
    stdout.write(f"Ratings: grading {wanted:,} demo tokens (a year of history on a fresh install) ...")
    bar = ProgressBar(stdout)
    result = refresh(get_provider("demo"), end=today, limit=wanted, progress=bar)
    bar.close()
    seconds = sum(result.timings.values())
    stdout.write(
        f"Ratings ready: {result.tokens_graded:,} tokens graded for {today} "
        f"({result.run.days} day(s) of data, {seconds:.0f} s) at /ratings/."
    )
