from io import StringIO

import pytest
from django.utils import timezone

from sponsors import demo
from sponsors.models import Campaign, Creative, DailyCount, HousePromotion, Sponsor

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_gold_campaign_running_today_and_runs_twice_without_change(client, home):
    demo.load(StringIO())
    models = (Sponsor, Campaign, Creative, HousePromotion, DailyCount)
    counts = [model.objects.count() for model in models]
    demo.load(StringIO())

    assert [model.objects.count() for model in models] == counts
    gold = Campaign.objects.running_on(timezone.localdate()).get(package__name="Gold")
    assert gold.creatives.approved().count() == 1
    assert Creative.objects.awaiting_approval().count() == 1
    banner = client.get("/").content.decode()
    assert "Paid placement by Meridian Custody" in banner
    assert DailyCount.objects.filter(creative__campaign=gold).count() == 6
