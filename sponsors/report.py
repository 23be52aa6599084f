"""A campaign's report: impressions, human opens, clicks and CTR per slot and per day.

Site slots: impressions are tracking-pixel views by readers (bots excluded), clicks are
redirects through the slot's link, both from DailyCount (flushed from Redis every minute).
Newsletter slots: impressions are the delivered messages of the sends that carried one of
the campaign's creatives (SendPlacement); human opens and clicks on the creative's link come
from the newsletters' open and click tracking through ``newsletter_engagement``, the one
place those figures enter the report. CTR is clicks / impressions.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from newsletters.models import Delivery
from sponsors.models import NEWSLETTER_SLOTS, DailyCount, SendPlacement, Slot

DEFINITIONS = [
    ("Impressions (site)", "Views of the slot counted by a 1-pixel image in it: browsers that load "
     "images; known bots and scripted clients are not counted."),
    ("Impressions (newsletter)", "Messages delivered (accepted by the recipient's mail server) of the "
     "issues that carried the creative."),
    ("Human opens", "Subscribers who opened those issues, not counting opens by privacy proxies "
     "and link scanners. Newsletters only."),
    ("Clicks", "Clicks through the creative's link (known bots and scanners excluded)."),
    ("CTR", "Clicks divided by impressions."),
]


def newsletter_engagement(placements):
    """{(send id, link): (human opens, clicks)} for the sends and the creatives' links in
    ``placements`` (an iterable of (send id, link)). Newsletter open and click tracking
    answers here; until it does, nothing is measured and the report says so."""
    return {}


@dataclass
class Line:
    day: object
    slot: str
    impressions: int = 0
    human_opens: int | None = None
    clicks: int | None = 0

    @property
    def slot_label(self):
        return Slot(self.slot).label

    @property
    def ctr(self):
        """Percent, or None when there is nothing to divide."""
        if not self.impressions or self.clicks is None:
            return None
        return 100 * self.clicks / self.impressions

    def add(self, other):
        self.impressions += other.impressions
        self.human_opens = _plus(self.human_opens, other.human_opens)
        self.clicks = _plus(self.clicks, other.clicks)


def _plus(a, b):
    if a is None:
        return b
    return a if b is None else a + b


@dataclass
class Report:
    campaign: object
    lines: list = field(default_factory=list)

    @property
    def by_slot(self):
        totals = {}
        for line in self.lines:
            totals.setdefault(line.slot, Line(None, line.slot, 0, None, None)).add(line)
        return [totals[slot] for slot in Slot.values if slot in totals]

    @property
    def total(self):
        total = Line(None, "", 0, None, None)
        for line in self.lines:
            total.add(line)
        return total

    @property
    def newsletter_measured(self):
        return any(line.human_opens is not None for line in self.lines)


def campaign_report(campaign):
    """The report, in a fixed number of queries (three, whatever its length)."""
    lines = {}
    site = (
        DailyCount.objects.filter(creative__campaign=campaign)
        .values("day", "slot")
        .annotate(impressions=Sum("impressions"), clicks=Sum("clicks"))
    )
    for row in site:
        day, slot = row["day"], row["slot"]
        lines[(day, slot)] = Line(day, slot, row["impressions"], None, row["clicks"])

    placements = list(
        SendPlacement.objects.filter(creative__campaign=campaign, slot__in=NEWSLETTER_SLOTS)
        .select_related("send", "creative")
        .only("slot", "send__created_at", "send__started_at", "creative__link")
    )
    delivered = dict(
        Delivery.objects.filter(send_id__in={p.send_id for p in placements}, status=Delivery.Status.SENT)
        .values("send_id")
        .annotate(n=Count("pk"))
        .values_list("send_id", "n")
    )
    engagement = newsletter_engagement({(p.send_id, p.creative.link) for p in placements})
    newsletter_lines = defaultdict(lambda: None)
    for placement in placements:
        send = placement.send
        day = (send.started_at or send.created_at).date()
        opens, clicks = engagement.get((placement.send_id, placement.creative.link), (None, None))
        line = Line(day, placement.slot, delivered.get(placement.send_id, 0), opens, clicks)
        key = (day, placement.slot)
        if newsletter_lines[key] is None:
            newsletter_lines[key] = line
        else:
            newsletter_lines[key].add(line)
    lines.update({key: line for key, line in newsletter_lines.items() if line is not None})
    order = {slot: number for number, slot in enumerate(Slot.values)}
    return Report(campaign, sorted(lines.values(), key=lambda line: (line.day, order[line.slot])))


def as_csv(report):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["day", "slot", "impressions", "human_opens", "clicks", "ctr_percent"])
    for line in report.lines:
        writer.writerow(
            [
                line.day.isoformat(),
                line.slot,
                line.impressions,
                "" if line.human_opens is None else line.human_opens,
                "" if line.clicks is None else line.clicks,
                "" if line.ctr is None else f"{line.ctr:.2f}",
            ]
        )
    return out.getvalue()
