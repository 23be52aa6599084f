"""What fills each promotion slot (core.promotions) on a day.

A slot shows the campaign running that day that booked it and has an approved creative;
with several, they take turns by day (and so do a campaign's creatives), so a page is the
same for every reader all day and can be cached. With none, one of our own active
promotions for that slot (also in turns by day), or nothing at all.

The web answer for a day (every slot's HTML and the sponsor notes of token pages) is kept
in the default cache under a version that every change to sponsorship data moves on
commit, apart from the page generation: a publish elsewhere costs the next page no query
for it. A cache that is down gives no version, and the answer is made from the database.
"""

import uuid

from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core import promotions
from core.links import absolute
from sponsors.models import NEWSLETTER_SLOTS, WEB_SLOTS, AboutBox, Campaign, Creative, HousePromotion, Slot

VERSION_KEY = "sponsors:slots:version"
KEEP_SECONDS = 26 * 60 * 60
TOKEN_SALT = "sponsors.placement"  # noqa: S105 - a signing salt, not a secret

DEFAULT_ABOUT = (
    "<p>Token Research publishes independent research on crypto markets and grades thousands "
    "of tokens every day with one published method. Our daily briefings bring the grades and "
    "the newest research to your inbox each morning.</p>"
    "<p><b>Sponsored is not a rating.</b> Sponsors pay for labelled placements; they never "
    "change a grade, and no token is graded differently for being a sponsor.</p>"
)


def placement_token(creative_id, slot):
    """Signed (creative, slot) for the pixel and click URLs: anything else is refused."""
    return signing.dumps([creative_id, str(slot)], salt=TOKEN_SALT, compress=False)


def read_placement_token(token):
    """(creative id, slot), or None if the token was not made by us."""
    try:
        creative_id, slot = signing.loads(token, salt=TOKEN_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(creative_id, int) or slot not in Slot.values:
        return None
    return creative_id, slot


def forget(**kwargs):
    """Retire every day's kept answer now and again once the change commits: a reader who
    rebuilt it in between, from the database as it was before the commit, is retired too."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version():
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def running_campaigns(day):
    approved = Creative.objects.approved().select_related("image").order_by("pk")
    return list(
        Campaign.objects.running_on(day)
        .select_related("sponsor__token")
        .prefetch_related(Prefetch("creatives", queryset=approved, to_attr="approved_creatives"))
        .order_by("pk")
    )


def choose(slot, day, campaigns, house):
    """(campaign, creative) for the slot, else (None, our promotion), else (None, None)."""
    turn = day.toordinal()
    booked = [c for c in campaigns if getattr(c, f"in_{slot}") and c.approved_creatives]
    if booked:
        campaign = booked[turn % len(booked)]
        creatives = campaign.approved_creatives
        return campaign, creatives[(turn // len(booked)) % len(creatives)]
    ours = [p for p in house if getattr(p, f"in_{slot}")]
    if slot in NEWSLETTER_SLOTS:
        ours = [p for p in ours if p.kind == HousePromotion.Kind.COPY]
    return None, (ours[turn % len(ours)] if ours else None)


def build_web(day):
    campaigns = running_campaigns(day)
    house = list(HousePromotion.objects.filter(active=True).order_by("pk"))
    slots = {}
    for slot in WEB_SLOTS:
        campaign, chosen = choose(slot, day, campaigns, house)
        if campaign is not None:
            token = placement_token(chosen.pk, slot)
            slots[slot] = render_to_string(
                "sponsors/slots/sponsored.html",
                {
                    "slot": slot,
                    "sponsor": campaign.sponsor,
                    "creative": chosen,
                    "click_url": reverse("sponsors:click", args=[token]),
                    "pixel_url": reverse("sponsors:pixel", args=[token]),
                },
            )
        elif chosen is not None:
            slots[slot] = render_to_string("sponsors/slots/house.html", {"slot": slot, "promotion": chosen})
    about = AboutBox.objects.first() or AboutBox()
    if about.show:
        slots["article_about"] = render_to_string(
            "sponsors/slots/about.html", {"about": about, "body": about.body or DEFAULT_ABOUT}
        )
    notes = {}
    for campaign in campaigns:
        token = campaign.sponsor.token
        if token is not None and token.slug not in notes:
            notes[token.slug] = render_to_string(
                "sponsors/slots/token_note.html", {"sponsor": campaign.sponsor, "token": token}
            )
    return {"slots": slots, "token_notes": notes}


def newsletter_value(slot, day):
    campaigns = running_campaigns(day)
    house = list(HousePromotion.objects.filter(active=True).order_by("pk"))
    campaign, chosen = choose(slot, day, campaigns, house)
    if campaign is not None:
        return {
            "sponsored": True,
            "disclosure": campaign.sponsor.disclosure,
            "headline": chosen.headline,
            "text": chosen.text,
            "image": chosen.image_id,
            "alt_text": chosen.alt_text,
            "link": chosen.link,
            "link_text": chosen.link_text,
            "creative": chosen.pk,
            "slot": str(slot),
        }
    if chosen is not None:
        return {
            "sponsored": False,
            "disclosure": "",
            "headline": chosen.headline,
            "text": chosen.text,
            "image": None,
            "alt_text": "",
            "link": absolute(chosen.link),
            "link_text": chosen.link_text,
            "creative": None,
            "slot": str(slot),
        }
    return None


class SponsorFiller(promotions.Filler):
    def web(self, request):
        day = timezone.localdate()
        version = _version()
        key = f"sponsors:web:{version}:{day.isoformat()}"
        if version is not None:
            kept = cache.get(key)
            if kept is not None:
                return kept
        answer = build_web(day)
        if version is not None:
            cache.set(key, answer, KEEP_SECONDS)
        return answer

    def newsletter(self, slot, day):
        return newsletter_value(slot, day)
