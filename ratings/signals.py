"""News the ratings desk sends to apps above it, which connect in their AppConfig.ready()."""

from django.dispatch import Signal

# Sent once a day's grades are committed: day (a date), graded and stale (token counts).
grades_published = Signal()
