"""Demo newsletters for load_demo: the sign-up page, Daily Briefing and Research Weekly.

Two Research Weekly issues are written here; the Daily Briefings are drafted from the
demo grades by the same code the morning task runs, for the last three graded days, and
published. Safe to run again: pages are found by slug and briefings by their day.
"""

import datetime
import json
import logging
import uuid
from datetime import UTC

from django.conf import settings
from django.db import transaction
from wagtail.models import Page

from blog.models import ArticlePage, HomePage
from newsletters.issues.briefing import draft_daily_briefing
from newsletters.issues.grades import latest_graded_day
from newsletters.models import NewsletterIndexPage, NewsletterIssuePage, NewsletterPage
from newsletters.subscriptions import links

BRIEFING_DAYS = 3
BRIEFING_TIME = datetime.time(settings.NEWSLETTERS_BRIEFING_HOUR, settings.NEWSLETTERS_BRIEFING_MINUTE)

INDEX = {
    "title": "Newsletters",
    "slug": "newsletters",
    "intro": (
        "<p>Our research desk, in your inbox. Pick the <b>Daily Briefing</b> for the morning's grades "
        "and moves, <b>Research Weekly</b> for the long reads, or both. Free, and every email has a "
        "one-click unsubscribe link.</p>"
    ),
}

NEWSLETTERS = [
    {
        "title": "Daily Briefing",
        "slug": "daily-briefing",
        "description": (
            "The morning's top Trader Grades among liquid tokens, the biggest grade moves both ways, "
            "and any new research, in a two-minute read."
        ),
        "cadence": "Every morning",
        "subscribe_by_default": True,
    },
    {
        "title": "Research Weekly",
        "slug": "research-weekly",
        "description": (
            "One letter from the research desk each Friday: what we published, why it matters, "
            "and the question we are working on next."
        ),
        "cadence": "Every Friday",
        "subscribe_by_default": False,
    },
]

WEEKLY_ISSUES = [
    {
        "slug": "restaking-and-the-two-grades",
        "title": "Research Weekly, 9 October 2026",
        "subject": "Restaking, and why one token can earn two very different grades",
        "preheader": "Our restaking explainer, plus the question readers ask most about our grades.",
        "published": datetime.datetime(2026, 10, 9, 8, tzinfo=UTC),
        "articles": ["restaking-explained", "how-grading-models-score-tokens", "data-availability-layers"],
        "body": [
            ("heading", "This week on the desk"),
            (
                "paragraph",
                "<p>Restaking lets ether that already secures Ethereum secure other services too. It pays "
                "more, and it stacks risks on the same collateral. {restaking-explained} walks through "
                "who carries which risk, and what happens when one of those services misbehaves.</p>",
            ),
            ("heading", "One token, two grades"),
            (
                "paragraph",
                "<p>The question in our inbox this week: how can a token score 80 on Trader Grade and 45 "
                "on Investor Grade on the same day? Because they measure different horizons.</p>"
                "<ul><li><b>Trader Grade</b> looks at days to weeks: trend, momentum, volatility and "
                "volume.</li><li><b>Investor Grade</b> looks at months: size, liquidity, drawdown from "
                "the high, risk-adjusted return, supply and age.</li></ul>"
                "<p>A young token in a strong run can lead the first and trail the second. "
                "{how-grading-models-score-tokens} has the details.</p>",
            ),
            ("articles", "Read this week"),
            ("button", ("Browse all research", "/blog/")),
        ],
    },
    {
        "slug": "depin-october-and-volume",
        "title": "Research Weekly, 6 November 2026",
        "subject": "DePIN in plain words, October in review, and volume you can trust",
        "preheader": "Three reads for the weekend, and the one chart we kept coming back to.",
        "published": datetime.datetime(2026, 11, 6, 8, tzinfo=UTC),
        "articles": ["what-is-depin", "october-2026-market-recap", "how-to-read-trading-volume"],
        "body": [
            ("heading", "This week on the desk"),
            (
                "paragraph",
                "<p>Networks that pay people to run hardware, from wireless hotspots to storage, now have "
                "a name and a sector in our ratings. {what-is-depin} explains how the token pays for the "
                "hardware, and where that model has broken before.</p>",
            ),
            (
                "paragraph",
                "<p>October was a month of rotation: money left the largest tokens for smaller ones, "
                "stablecoin supply grew and leverage got crowded. {october-2026-market-recap} has the "
                "numbers; the chart we kept returning to was open interest against spot volume.</p>",
            ),
            ("heading", "A habit worth keeping"),
            (
                "paragraph",
                "<p>Before trusting a token's volume, check where it trades and how it compares with the "
                "token's size. {how-to-read-trading-volume} lists the four checks we run ourselves.</p>",
            ),
            ("articles", "Read this week"),
            ("button", ("See today's token grades", "/ratings/")),
        ],
    },
]


def load(stdout):
    home = HomePage.objects.first()
    if home is None:
        stdout.write("  newsletters: no home page yet, skipped")
        return
    with transaction.atomic():
        index = index_page(home)
        pages = {data["slug"]: newsletter_page(index, data) for data in NEWSLETTERS}
        weekly_new = sum(weekly_issue(pages["research-weekly"], data) for data in WEEKLY_ISSUES)
    briefings = publish_briefings()
    stdout.write(
        f"  newsletters: {len(pages)} newsletters at /newsletters/, {len(WEEKLY_ISSUES)} Research Weekly "
        f"issues ({weekly_new} new), {briefings} Daily Briefings drafted from the grades"
    )


def publish(page, first_published_at=None):
    """Publish the page's latest revision, dated when given (as if it had gone out then)."""
    page.save_revision().publish()
    if first_published_at is not None:
        Page.objects.filter(pk=page.pk).update(
            first_published_at=first_published_at, last_published_at=first_published_at
        )


def index_page(home):
    index = NewsletterIndexPage.objects.first()
    if index is None:
        index = NewsletterIndexPage(title=INDEX["title"], slug=INDEX["slug"], intro=INDEX["intro"])
        home.add_child(instance=index)
        publish(index)
    return index


def newsletter_page(index, data):
    page = NewsletterPage.objects.child_of(index).filter(slug=data["slug"]).first()
    if page is None:
        page = NewsletterPage(**data)
        index.add_child(instance=page)
        publish(page)
    return page


def weekly_issue(newsletter, data):
    """Create the issue if it is missing; return 1 if it was created."""
    if NewsletterIssuePage.objects.child_of(newsletter).filter(slug=data["slug"]).exists():
        return 0
    articles = {page.slug: page for page in ArticlePage.objects.filter(slug__in=data["articles"]).live()}
    listed = [articles[slug].pk for slug in data["articles"] if slug in articles]

    def article_link(slug):
        page = articles.get(slug)
        return f'<a linktype="page" id="{page.pk}">{page.title}</a>' if page else "our article"

    blocks = []
    for block_type, value in data["body"]:
        if block_type == "paragraph":
            for slug in data["articles"]:
                value = value.replace("{" + slug + "}", article_link(slug))
        elif block_type == "articles":
            if not listed:
                continue
            value = {"heading": value, "articles": listed}
        elif block_type == "button":
            text, path = value
            value = {"text": text, "url": links.absolute(path)}
        blocks.append({"type": block_type, "value": value, "id": str(uuid.uuid4())})
    issue = NewsletterIssuePage(
        title=data["title"],
        slug=data["slug"],
        subject=data["subject"],
        preheader=data["preheader"],
        body=json.dumps(blocks),
    )
    newsletter.add_child(instance=issue)
    publish(issue, data["published"])
    return 1


def publish_briefings():
    """Draft and publish the briefing for each of the last graded days; returns how many exist."""
    latest = latest_graded_day()
    if latest is None:
        return 0
    count = 0
    log = logging.getLogger("newsletters.issues.briefing")
    level = log.level
    log.setLevel(logging.WARNING)  # one summary line from load_demo, not a line per briefing
    try:
        for back in reversed(range(BRIEFING_DAYS)):
            day = latest - datetime.timedelta(days=back)
            issue = draft_daily_briefing(day, publish=True)
            if issue is None:
                continue
            count += 1
            if not issue.live:  # drafted earlier for an editor: the demo publishes it
                issue.get_latest_revision().publish()
            if day < latest:  # as if it had gone out that morning
                sent_at = datetime.datetime.combine(day, BRIEFING_TIME, tzinfo=UTC)
                Page.objects.filter(pk=issue.pk).update(first_published_at=sent_at, last_published_at=sent_at)
    finally:
        log.setLevel(level)
    return count
