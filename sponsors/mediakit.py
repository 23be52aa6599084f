"""The media kit's audience figures, measured from our own data, never typed in.

- Confirmed subscribers: subscribers who confirmed their address and are neither
  unsubscribed nor suppressed (status "confirmed"), per live newsletter.
- Median human open rate and click rate: over the sends of each newsletter that started in
  the last AUDIENCE_DAYS days, the median of each send's unique human opens / delivered and
  unique clicks / delivered, as newsletters.analytics.reports defines them (machine opens
  and scanner clicks left out). Sends with nothing delivered are left out.
- Site page views per month: views of the site-wide banner slot counted by its pixel
  (sponsors.counting: bots and scripted clients excluded) on the days of the last
  AUDIENCE_DAYS that counted any, as a daily average times 30.

``audience()`` costs the same nine queries or fewer whatever the number of newsletters,
sends or days.
"""

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from newsletters.analytics.reports import figures_for_sends
from newsletters.models import NewsletterPage, Send, Subscriber
from sponsors.models import DailyCount, Slot

AUDIENCE_DAYS = 30

DEFINITIONS = [
    ("Confirmed subscribers", "People who signed up and confirmed their address by following the link we "
     "emailed them, and have not unsubscribed or bounced since. Counted per newsletter when this page "
     "was built."),
    ("Median human open rate", f"For each issue sent in the last {AUDIENCE_DAYS} days: subscribers who "
     "opened it, divided by messages delivered. Opens made by privacy proxies (such as Apple Mail Privacy "
     "Protection) and link scanners are not counted; a click counts as an open. The figure is the median "
     "over those issues."),
    ("Median click rate", f"For each issue sent in the last {AUDIENCE_DAYS} days: subscribers who clicked "
     "at least one link in it, divided by messages delivered; scanner clicks are not counted. The median "
     "over those issues."),
    ("Site page views per month", "Pages viewed on this site, counted by a 1-pixel image in the site-wide "
     "banner slot (browsers that load images; known bots and scripted clients are not counted). The "
     f"average per counted day over the last {AUDIENCE_DAYS} days, times 30."),
]


@dataclass
class NewsletterAudience:
    title: str
    cadence: str
    url: str
    confirmed: int = 0
    sends: int = 0
    open_rates: list = field(default_factory=list)
    click_rates: list = field(default_factory=list)

    @property
    def median_open_rate(self):
        return statistics.median(self.open_rates) if self.open_rates else None

    @property
    def median_click_rate(self):
        return statistics.median(self.click_rates) if self.click_rates else None


@dataclass
class Audience:
    newsletters: list
    confirmed_total: int
    sends: int
    median_open_rate: float | None
    median_click_rate: float | None
    site_views_per_month: int | None
    site_days_counted: int
    since: datetime.date
    until: datetime.date


def audience(request=None, today=None):
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=AUDIENCE_DAYS)
    newsletters = list(
        NewsletterPage.objects.live()
        .annotate(
            confirmed=Count(
                "subscriptions",
                filter=Q(subscriptions__subscriber__status=Subscriber.Status.CONFIRMED),
            )
        )
        .order_by("path")
        .only("title", "cadence", "path", "depth", "url_path")
    )
    rows = {
        page.path: NewsletterAudience(page.title, page.cadence, page.get_url(request), page.confirmed)
        for page in newsletters
    }
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
    sends = dict(
        Send.objects.filter(started_at__gte=start).values_list("pk", "issue__path")
    )
    all_opens, all_clicks = [], []
    step = NewsletterPage.steplen
    for pk, figures in figures_for_sends(sends).items():
        if not figures.delivered:
            continue
        row = rows.get(sends[pk][:-step])  # the parent: its newsletter
        if row is None:
            continue
        row.sends += 1
        row.open_rates.append(figures.open_rate)
        row.click_rates.append(figures.click_rate)
        all_opens.append(figures.open_rate)
        all_clicks.append(figures.click_rate)

    site = DailyCount.objects.filter(slot=Slot.SITE_BANNER, day__gte=since, day__lt=today).aggregate(
        views=Sum("impressions"), days=Count("day", distinct=True)
    )
    days = site["days"] or 0
    views = round(site["views"] / days * 30) if days and site["views"] else None
    return Audience(
        newsletters=list(rows.values()),
        confirmed_total=sum(row.confirmed for row in rows.values()),
        sends=len(all_opens),
        median_open_rate=statistics.median(all_opens) if all_opens else None,
        median_click_rate=statistics.median(all_clicks) if all_clicks else None,
        site_views_per_month=views,
        site_days_counted=days,
        since=since,
        until=today - datetime.timedelta(days=1),
    )
