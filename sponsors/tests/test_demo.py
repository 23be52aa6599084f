from io import StringIO

import pytest
from bs4 import BeautifulSoup
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


def test_load_demo_gives_the_gold_report_opens_and_clicks_measured_from_demo_sends(client):
    from django.core.management import call_command

    from newsletters.models import Delivery, TrackingEvent
    from sponsors import report
    from sponsors.models import SendPlacement, Slot

    call_command("load_demo", stdout=StringIO())
    counts = (SendPlacement.objects.count(), Delivery.objects.count(), TrackingEvent.objects.count())
    out = StringIO()
    call_command("load_demo", stdout=out)  # a second run sends nothing again
    assert (SendPlacement.objects.count(), Delivery.objects.count(), TrackingEvent.objects.count()) == counts
    assert "0 demo briefing send(s)" in out.getvalue()

    gold = Campaign.objects.get(package__name="Gold")
    creative = gold.creatives.get()
    placed = SendPlacement.objects.filter(creative=creative, slot=Slot.NEWSLETTER_TOP)
    assert placed.exists()
    for placement in placed:  # each send really carried the banner
        assert creative.link in placement.send.html or "Sponsored" in placement.send.html

    events = TrackingEvent.objects.filter(send__in=placed.values("send"))
    assert events.filter(machine=False).exists() and events.filter(machine=True).exists()
    reasons = set(events.values_list("reason", flat=True))
    assert any(reason.startswith("privacy proxy") for reason in reasons)
    assert any(reason.startswith("link scanner") for reason in reasons)

    result = report.campaign_report(gold)
    newsletter = next(line for line in result.by_slot if line.slot == Slot.NEWSLETTER_TOP)
    assert newsletter.impressions == Delivery.objects.filter(send__in=placed.values("send")).count() > 0
    human_opens = events.filter(machine=False).values("send", "delivery").distinct().count()
    readers_clicks = events.filter(machine=False, kind="click", link__url=creative.link)
    sponsor_clicks = readers_clicks.values("delivery").distinct().count()
    assert newsletter.human_opens == human_opens > 0  # counted from the events, not typed in
    assert newsletter.clicks == sponsor_clicks > 0
    assert newsletter.human_opens < events.values("delivery").distinct().count()  # machines left out

    kit = client.get("/advertise/").content.decode()  # the media kit shows the demo's audience
    rows = BeautifulSoup(kit, "html.parser").select("tbody tr")
    daily = next(row for row in rows if "Daily Briefing" in row.text)
    assert daily.select_one('[data-figure="confirmed"]').text == str(demo.DEMO_READERS)
    assert daily.select_one('[data-figure="open-rate"]').text.endswith("%")
    assert "Gold" in kit and "Platinum" in kit
