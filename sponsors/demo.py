"""The sponsorships part of the demo (run by `manage.py load_demo`): two sponsors (made up
for this project), a Gold campaign running today with an approved banner on the site and
in the Daily Briefing, a Silver campaign starting next week whose copy awaits a moderator,
our API-key promotion for slots no campaign fills, and a week of demo site counts so the
report has something to show. Idempotent."""

import datetime
import random

from django.utils import timezone

from core import demo_images
from core.demo_images import image_for
from ratings.models import Token
from sponsors.models import Campaign, Creative, DailyCount, HousePromotion, Package, Slot, Sponsor


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
        "Daily Briefing), a Silver campaign awaiting approval, our API-key promotion."
    )


def demo_counts(creative, first_day, today):
    """Seeded site counts for the campaign's days so far (demo data, not measured)."""
    rng = random.Random(creative.pk)
    day = first_day
    while day < today:
        impressions = rng.randint(9_000, 14_000)
        DailyCount.objects.get_or_create(
            creative=creative,
            slot=Slot.SITE_BANNER,
            day=day,
            defaults={"impressions": impressions, "clicks": round(impressions * rng.uniform(0.005, 0.01))},
        )
        day += datetime.timedelta(days=1)
