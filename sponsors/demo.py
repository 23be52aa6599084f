"""The sponsorships part of the demo (run by `manage.py load_demo`): two sponsors (made up
for this project), a Gold campaign running today with an approved banner on the site and
in the Daily Briefing, a Silver campaign starting next week whose copy awaits a moderator,
our API-key promotion for slots no campaign fills, and the Gold campaign's report data:

- newsletter: the demo Daily Briefings (newsletters/demo.py, which load_demo runs first)
  carry the Gold creative in their top slot on the days it runs, as if it had been booked
  when they were drafted. Each such briefing goes "out" to DEMO_READERS demo subscribers
  (no mail is sent: the deliveries are marked sent at the briefing's time), its placement
  is recorded as a real send's is, and some readers, proxies and scanners open and click
  it: events judged and stored by newsletters.analytics.recording, so the report's human
  opens and clicks come out of the same code as for a real send;
- site: a seeded number of banner views and clicks per past day, added through
  sponsors.counting.add_counts, the function the Redis flush uses (demo data, not measured).

Idempotent: a briefing whose send has deliveries already is left as it is.
"""

import datetime
import json
import random
import uuid

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from core import demo_images, promotions
from core.demo_images import image_for
from newsletters.analytics import recording, tracking
from newsletters.issues.rendering import render_issue
from newsletters.models import (
    Delivery,
    NewsletterIssuePage,
    NewsletterPage,
    Send,
    Subscriber,
    Subscription,
    TrackedLink,
)
from newsletters.sending import sends
from newsletters.sending.composing import fold_long_lines
from ratings.models import Token
from sponsors import counting, placements
from sponsors.models import Campaign, Creative, HousePromotion, Package, SendPlacement, Slot, Sponsor


def banner_png():
    return demo_images.cover(seed=4242, colors=("#0f3d5e", "#38b2ac"), size=(970, 250))


def load(stdout):
    today = timezone.localdate()
    meridian, _ = Sponsor.objects.get_or_create(
        slug="meridian-custody",
        defaults={
            "name": "Meridian Custody",
            "site": "https://meridian-custody.example/",
            "contact_name": "Partnerships team",
            "contact_email": "partners@meridian-custody.example",
            "disclosure": "Paid placement by Meridian Custody",
        },
    )
    # A project with a token of its own: its token page says it sponsors us.
    token = Token.objects.filter(graded_on__isnull=False).order_by("-market_cap")[40:41].first()
    lattice, _ = Sponsor.objects.get_or_create(
        slug="lattice-oracle-network",
        defaults={
            "name": "Lattice Oracle Network",
            "site": "https://lattice-oracles.example/",
            "contact_email": "growth@lattice-oracles.example",
            "disclosure": "Paid placement by Lattice Oracle Network",
            "token": token,
        },
    )

    gold, created = Campaign.objects.get_or_create(
        sponsor=meridian,
        name="Cold storage for funds",
        defaults={
            "package": Package.objects.get(name="Gold"),
            "starts_on": today - datetime.timedelta(days=6),
            "ends_on": today + datetime.timedelta(days=7),
            "in_site_banner": True,
            "in_newsletter_top": True,
        },
    )
    banner = image_for("Demo banner: Meridian Custody", banner_png)
    creative, _ = Creative.objects.get_or_create(
        campaign=gold,
        name="Cold storage banner",
        defaults={
            "kind": Creative.Kind.BANNER,
            "image": banner,
            "alt_text": "Meridian Custody: insured cold storage for crypto funds",
            "headline": "Insured cold storage for crypto funds",
            "text": "Segregated wallets, daily attestations and withdrawals signed by your own team.",
            "link": "https://meridian-custody.example/funds",
            "link_text": "See how it works",
            "approved_at": timezone.now(),
        },
    )
    if created:
        demo_counts(creative, gold.starts_on, today)
    sent = demo_sends(gold, creative)

    silver, _ = Campaign.objects.get_or_create(
        sponsor=lattice,
        name="Oracle feeds for builders",
        defaults={
            "package": Package.objects.get(name="Silver"),
            "starts_on": today + datetime.timedelta(days=7),
            "ends_on": today + datetime.timedelta(days=13),
            "in_article": True,
        },
    )
    Creative.objects.get_or_create(
        campaign=silver,
        name="Builders copy",
        defaults={
            "kind": Creative.Kind.COPY,
            "headline": "Price feeds your contracts can check",
            "text": "Every Lattice update is signed by 31 independent reporters. Free on testnets.",
            "link": "https://lattice-oracles.example/docs",
            "link_text": "Read the docs",
        },
    )
    HousePromotion.objects.get_or_create(
        name="Free API key",
        defaults={
            "headline": "Build Smarter Crypto Apps & AI Agents",
            "text": "Our grades, their history and our research as JSON, for your app or your agent.",
            "link": "/api/keys/",
            "link_text": "Grab a Free API Key",
            "in_article": True,
            "in_newsletter_middle": True,
        },
    )
    stdout.write(
        "Sponsorships: 2 sponsors, a Gold campaign running today (banner on every page and in the "
        "Daily Briefing), a Silver campaign awaiting approval, our API-key promotion; "
        f"{sent} demo briefing send(s) carrying the Gold banner, with opens and clicks."
    )


def demo_counts(creative, first_day, today):
    """Seeded site counts for the campaign's days so far (demo data, not measured), added
    the way the Redis flush adds what the pixel and the redirect counted."""
    rng = random.Random(creative.pk)
    rows = {}
    day = first_day
    while day < today:
        impressions = rng.randint(9_000, 14_000)
        clicks = round(impressions * rng.uniform(0.005, 0.01))
        rows[(day, creative.pk, Slot.SITE_BANNER)] = (impressions, clicks)
        day += datetime.timedelta(days=1)
    counting.add_counts(rows)


# --- The Gold campaign in the demo Daily Briefings ---

DEMO_READERS = 80
READER_AGENT = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 "
    "Safari/605.1.15"
)
APPLE_PROXY_AGENT = "Mozilla/5.0"  # what Apple Mail Privacy Protection's prefetch sends
SCANNER_AGENT = "Mozilla/5.0 (compatible; Proofpoint URL Defense)"
SLOT = Slot.NEWSLETTER_TOP


def demo_sends(campaign, creative):
    """Put the creative in the Daily Briefings of the campaign's days, send each to the
    demo readers and record their activity; returns how many briefings were sent now."""
    newsletter = NewsletterPage.objects.filter(slug="daily-briefing").first()
    if newsletter is None or not campaign.in_newsletter_top:
        return 0
    issues = (
        NewsletterIssuePage.objects.child_of(newsletter)
        .live()
        .filter(first_published_at__isnull=False)
        .order_by("first_published_at")
    )
    latest = timezone.now() - datetime.timedelta(hours=3)  # leaves readers time to have read it
    count = 0
    for issue in issues:
        day = timezone.localtime(issue.first_published_at).date()
        if not campaign.is_running(day):
            continue
        send = Send.objects.filter(issue=issue).first()
        if send is not None and send.deliveries.exists():
            continue  # went out already (an earlier run, or for real)
        readers = demo_readers(newsletter)
        with transaction.atomic():
            issue = carry_creative(issue, day)
            # publishing the new revision may have queued a send (NEWSLETTERS_SEND_ON_PUBLISH)
            send = freeze(issue, Send.objects.filter(issue=issue).first())
            if not SendPlacement.objects.filter(send=send, creative=creative).exists():
                continue  # the slot went to another campaign that day
            sent_at = min(issue.first_published_at, latest)
            deliver(send, readers, sent_at)
        engage(send, creative, sent_at)
        count += 1
    return count


def demo_readers(newsletter):
    """DEMO_READERS confirmed subscribers of the newsletter (made once)."""
    emails = [f"demo-reader-{number:03d}@readers.example" for number in range(DEMO_READERS)]
    Subscriber.objects.bulk_create(
        [Subscriber(email=email, status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now())
         for email in emails],
        ignore_conflicts=True,
    )
    readers = list(Subscriber.objects.filter(email__in=emails).order_by("email"))
    Subscription.objects.bulk_create(
        [Subscription(subscriber=reader, newsletter=newsletter) for reader in readers], ignore_conflicts=True
    )
    return readers


def carry_creative(issue, day):
    """The issue with the day's sponsored top slot in it (as the briefing would have been
    drafted had the campaign been booked first); published as a new revision."""
    issue = issue.specific
    if any(block.block_type == "promotion" for block in issue.body):
        return issue
    value = promotions.newsletter_slot(SLOT, day)
    if not value:
        return issue
    raw = list(issue.body.raw_data)
    raw.insert(min(1, len(raw)), {"type": "promotion", "value": value, "id": str(uuid.uuid4())})
    issue.body = json.dumps(raw)
    published = issue.first_published_at
    issue.save_revision().publish()  # its send, if any, exists already: nothing is queued
    Page.objects.filter(pk=issue.pk).update(last_published_at=published)
    return NewsletterIssuePage.objects.get(pk=issue.pk)


def freeze(issue, send):
    """The issue's send, frozen from its content now. A demo send that went to nobody
    (published before the campaign existed) is frozen again in place."""
    if send is None:
        return sends.freeze(issue)  # records the placements (sponsors.placements)
    rendered = render_issue(issue)
    tracked = tracking.track(rendered.html, rendered.text)
    Send.objects.filter(pk=send.pk).update(
        subject=rendered.subject,
        html=fold_long_lines(tracked.html, width=500 if tracked.links else 800),
        text=tracked.text,
    )
    TrackedLink.objects.filter(send=send).delete()
    tracking.record_links(send, tracked.links)
    placements.record(send)
    return send


def deliver(send, readers, sent_at):
    """Every reader's delivery, accepted by the mail server at ``sent_at`` (nothing is mailed)."""
    Delivery.objects.bulk_create(
        [Delivery(send=send, subscriber=reader, status=Delivery.Status.SENT, attempts=1, sent_at=sent_at)
         for reader in readers],
        ignore_conflicts=True,
    )
    Send.objects.filter(pk=send.pk).update(
        status=Send.Status.FINISHED,
        recipients=len(readers),
        started_at=sent_at,
        finished_at=sent_at + datetime.timedelta(minutes=2),
    )


def engage(send, creative, sent_at):
    """Readers, privacy proxies and a link scanner open and click the send, as events the
    analytics judge and store themselves (seeded, so every run makes the same story)."""
    rng = random.Random(send.pk)
    links = dict(TrackedLink.objects.filter(send=send).values_list("url", "number"))
    sponsor_link = links.get(creative.link)
    other_links = [number for url, number in links.items() if url != creative.link]
    now = timezone.now().timestamp()
    start = sent_at.timestamp()
    events = []

    def at(seconds):
        return min(start + seconds, now - 60)

    for index, delivery in enumerate(Delivery.objects.filter(send=send).order_by("pk")):
        args = (send.pk, delivery.pk)
        if index % 4 == 0:  # a reader on Apple Mail: the proxy fetches the image on arrival
            events.append(recording.new_event("open", *args, None, "GET", APPLE_PROXY_AGENT, at(2)))
        if index == 7 and len(links) >= 3:  # a security gateway follows every link at once
            for number in sorted(links.values()):
                events.append(recording.new_event("click", *args, number, "GET", SCANNER_AGENT, at(4)))
            continue
        if rng.random() < 0.45:  # a person opens it during the day
            opened = rng.uniform(300, 10 * 3600)
            events.append(recording.new_event("open", *args, None, "GET", READER_AGENT, at(opened)))
            clicked = []
            if sponsor_link and rng.random() < 0.12:
                clicked.append((sponsor_link, opened + rng.uniform(20, 240)))
            if other_links and rng.random() < 0.2:
                clicked.append((rng.choice(other_links), opened + rng.uniform(30, 600)))
            for number, seconds in clicked:
                events.append(recording.new_event("click", *args, number, "GET", READER_AGENT, at(seconds)))
    return recording.store(events)
