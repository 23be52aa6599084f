"""At midnight the slots turn to the day's campaigns and promotions: pages cached the day
before (in the app and at the edge) must not show yesterday's."""

import datetime

from django.utils import timezone

from core.caching import invalidate
from sponsors.models import Campaign, HousePromotion


def start_day(day=None):
    """Start a new cache generation if anything a slot shows may differ from yesterday's."""
    day = day or timezone.localdate()
    yesterday = day - datetime.timedelta(days=1)
    if Campaign.objects.filter(ends_on__gte=yesterday, starts_on__lte=day).exists() or (
        HousePromotion.objects.filter(active=True).count() > 1
    ):
        invalidate()
        return True
    return False
