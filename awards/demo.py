"""Demo awards, built with code and safe to run again (called by `manage.py load_demo`).

"Moon Awards 2024" holds the closed "Top Crypto Narratives" vote, whose 1,000 demo votes
reproduce the reference shares exactly, and an open category to try the voting flow.
An article in the blog announces the result with the live results block.
"""

import datetime
import hashlib
import json
import uuid

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from awards import voting
from awards.ballots import keyed_hash
from awards.models import Category, Nominee, Program, Vote
from core.demo_images import avatar, image_for
from core.fingerprints import mailbox

UTC = datetime.UTC

# (name, votes out of 1,000, blurb, logo colour). 1,000 votes make each share exact.
NARRATIVES = [
    (
        "DePIN",
        302,
        "Networks that pay people to run real-world hardware: storage, wireless, sensors.",
        "#1f5eff",
    ),
    ("AI", 188, "Tokens for decentralised compute, model marketplaces and autonomous agents.", "#7c3aed"),
    ("GameFi", 144, "Games whose items and currencies live on-chain and can leave the game.", "#db2777"),
    ("DeFi", 132, "Lending, trading and yield without an intermediary holding the funds.", "#059669"),
    ("RWA", 86, "Treasuries, credit and property represented as tokens that settle on-chain.", "#b45309"),
    ("Modularity", 63, "Chains split into execution, settlement and data layers that specialise.", "#0891b2"),
    ("Omni-chain", 34, "Apps and assets that move between many chains as if they were one.", "#4f46e5"),
    ("Data Availability", 13, "Layers that guarantee rollup data can be downloaded and checked.", "#475569"),
    ("Other", 38, "Every narrative outside the eight above, counted together.", "#94a3b8"),
]

LAYER_ONES = [
    ("Ethereum", "The settlement layer most rollups post to.", "#3c3c3d"),
    ("Solana", "A single fast chain that keeps fees low by running transactions in parallel.", "#14b8a6"),
    ("Bitcoin", "The oldest chain, now with a growing set of layers built on top.", "#f7931a"),
    ("Avalanche", "A network of subnets that share validators.", "#e84142"),
]

ARTICLE_SLUG = "moon-awards-2024-top-crypto-narratives"

MODERATOR_PERMISSIONS = [
    ("awards", "view_vote"),
    ("awards", "void_vote"),
    ("awards", "add_program"),
    ("awards", "change_program"),
    ("awards", "view_program"),
    ("awards", "add_category"),
    ("awards", "change_category"),
    ("awards", "view_category"),
]


def logo(name, color):
    initials = "".join(word[0] for word in name.replace("-", " ").split()[:2]).upper()
    return image_for(f"Logo: {name}", lambda: avatar(initials, color, size=160))


def category(program, slug, defaults, nominees):
    category, _ = Category.objects.update_or_create(program=program, slug=slug, defaults=defaults)
    existing = {n.name: n for n in Nominee.objects.filter(category=category)}
    for order, (name, blurb, color) in enumerate(nominees):
        nominee = existing.get(name) or Nominee(category=category, name=name)
        nominee.blurb, nominee.sort_order, nominee.logo = blurb, order, logo(name, color)
        nominee.save()
    return category


def demo_votes(category, counts, start, end):
    """``counts[name]`` confirmed votes per nominee, spread over the voting window."""
    nominees = {n.name: n for n in Nominee.objects.filter(category=category)}
    total = sum(counts.values())
    span = (end - start).total_seconds()
    votes = []
    number = 0
    for name, count in counts.items():
        for _ in range(count):
            email = f"voter{number:04}@{('example.com', 'example.org', 'example.net')[number % 3]}"
            at = start + datetime.timedelta(seconds=span * (number + 0.5) / total)
            votes.append(
                Vote(
                    category=category,
                    nominee=nominees[name],
                    email=email,
                    email_domain=email.rpartition("@")[2],
                    voter=mailbox(email),
                    token=hashlib.sha256(f"demo:{category.pk}:{email}".encode()).hexdigest()[:32],
                    requested_at=at - datetime.timedelta(minutes=3),
                    confirmed_at=at,
                    ip_hash=keyed_hash("ip", f"198.51.100.{number % 250}"),
                    user_agent_hash=keyed_hash("ua", "demo browser"),
                )
            )
            number += 1
    Vote.objects.bulk_create(votes, batch_size=500, ignore_conflicts=True)
    voting.recount(category)


def article(category):
    from blog.models import ArticleAuthor, ArticleIndexPage, ArticlePage, Author
    from blog.models import Category as BlogCategory

    index = ArticleIndexPage.objects.first()
    blog_category = BlogCategory.objects.filter(slug="research").first() or BlogCategory.objects.first()
    if index is None or blog_category is None:
        return False
    if ArticlePage.objects.filter(slug=ARTICLE_SLUG).exists():
        return False
    body = [
        (
            "paragraph",
            (
                "<p>The first Moon Awards asked readers one question per category and counted one "
                "verified vote per email address. In <b>Top Crypto Narratives</b>, 1,000 confirmed votes "
                "picked the story they expect to carry the next cycle.</p>"
            ),
        ),
        ("award_results", {"category": category.pk, "heading": "Top Crypto Narratives: the final count"}),
        ("heading", {"text": "Hardware beat hype", "level": "h2"}),
        (
            "paragraph",
            (
                "<p><b>DePIN</b> led with almost a third of the vote. Voters told us they liked that these "
                "networks earn fees from something people already pay for, such as storage or coverage, "
                "rather than from trading alone.</p>"
                "<p><b>AI</b> came second, ahead of <b>GameFi</b> and <b>DeFi</b>, which finished within "
                "about one point of each other. Tokenised real-world assets took fifth place.</p>"
            ),
        ),
        ("heading", {"text": "How the vote worked", "level": "h2"}),
        (
            "paragraph",
            (
                "<ul><li><b>One mailbox, one vote:</b> a vote counted only after its owner opened the "
                "link we emailed and confirmed it.</li><li><b>Shares that add up:</b> percentages are "
                "rounded so that they total exactly 100.0%.</li><li><b>Moderated:</b> votes from "
                "obvious bulk sign-ups were voided and logged before the close.</li></ul>"
            ),
        ),
        ("disclaimer", {"title": "Disclaimer", "text": "<p>A readers' poll, not investment advice.</p>"}),
    ]
    page = ArticlePage(
        title="Moon Awards 2024: readers crown DePIN the top crypto narrative",
        slug=ARTICLE_SLUG,
        summary=(
            "DePIN took 30.2% of 1,000 verified votes in the Top Crypto Narratives category, "
            "ahead of AI at 18.8% and GameFi at 14.4%."
        ),
        date=datetime.date(2024, 12, 20),
        category=blog_category,
        body=json.dumps([{"type": t, "value": v, "id": str(uuid.uuid4())} for t, v in body]),
        first_published_at=datetime.datetime(2024, 12, 20, 9, tzinfo=UTC),
    )
    author = Author.objects.order_by("name").first()
    if author is not None:
        page.article_authors = [ArticleAuthor(author=author)]
    index.add_child(instance=page)
    page.save_revision().publish()
    return True


def grant_moderators():
    group = Group.objects.filter(name="Moderators").first()
    if group is None:
        return
    for app_label, codename in MODERATOR_PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


@transaction.atomic
def load(stdout):
    program, _ = Program.objects.update_or_create(
        slug="moon-awards-2024",
        defaults={
            "title": "Moon Awards 2024",
            "intro": "Our readers' picks of the year, one verified vote per person in each category.",
        },
    )
    opens, closes = datetime.datetime(2024, 11, 1, tzinfo=UTC), datetime.datetime(2024, 12, 15, tzinfo=UTC)
    narratives = category(
        program,
        "top-crypto-narratives",
        {
            "title": "Top Crypto Narratives",
            "description": "Which story will drive the market in the coming year?",
            "opens_at": opens,
            "closes_at": closes,
            "results_policy": Category.Results.LIVE,
            "sort_order": 0,
        },
        [(name, blurb, color) for name, _, blurb, color in NARRATIVES],
    )
    if not Vote.objects.filter(category=narratives).exists():
        stdout.write("  awards: casting 1,000 demo votes")
        demo_votes(narratives, {name: votes for name, votes, _, _ in NARRATIVES}, opens, closes)
    category(
        program,
        "layer-one-of-the-year",
        {
            "title": "Layer 1 of the Year",
            "description": "The base chain that did the most for builders and users. Try the vote here.",
            "opens_at": datetime.datetime(2024, 11, 1, tzinfo=UTC),
            "closes_at": datetime.datetime(2030, 1, 1, tzinfo=UTC),
            "results_policy": Category.Results.LIVE,
            "allow_change": True,
            "sort_order": 1,
        },
        LAYER_ONES,
    )
    grant_moderators()
    created = article(narratives)
    article_state = "new" if created else "existing"
    stdout.write(f"  awards: {program.title} ready at /awards/ ({article_state} announcement article)")
