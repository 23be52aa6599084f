"""The Daily Briefing, drafted from the day's grades each morning.

For the latest graded day: the top Trader Grades among liquid tokens, the biggest grade
moves up and down since each token's previous graded day, and the research published
since the last briefing. The figures are frozen into the issue's blocks, so the archive
shows what subscribers were sent. One issue per day: running it again returns the issue
already drafted. With NEWSLETTERS_BRIEFING_AUTOPUBLISH the issue is published (and so
sent); otherwise it waits as a draft, submitted to the moderation workflow.
"""

import dataclasses
import json
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from blog.models import ArticlePage
from blog.models.pages import article_cards
from core import promotions
from core.links import absolute
from newsletters.issues import grades
from newsletters.models import NewsletterIssuePage, NewsletterPage
from ratings import attribution
from ratings.models import GradeDay, Signal, Token

log = logging.getLogger(__name__)

TOP_PICKS = 5
MOVES = 5
NEW_ARTICLES = 6  # at most, when there is research since the last briefing
LATEST_ARTICLES = 3  # when there is none: the latest few


@dataclass(frozen=True)
class TokenDay:
    slug: str
    name: str
    symbol: str
    grade: float
    previous: float | None
    signal: int
    volume: float
    token_id: int = 0
    previous_day: object = None  # the token's previous graded day
    # The move split by component ("momentum -8.1, volume -3.0"), for the biggest moves.
    explanation: str = ""

    @property
    def change(self):
        return None if self.previous is None else round(self.grade - self.previous, 1)


def draft_daily_briefing(day=None, *, publish=None):
    """Draft (and maybe publish) the briefing for ``day`` (default: the latest graded day).

    Returns the issue, or None when there is nothing to draft from: no briefing
    newsletter page, no grades for the day, or no liquid token among them.
    """
    publish = settings.NEWSLETTERS_BRIEFING_AUTOPUBLISH if publish is None else publish
    slug = settings.NEWSLETTERS_BRIEFING_SLUG
    newsletter = NewsletterPage.objects.filter(slug=slug).first()
    if newsletter is None:
        log.warning("No briefing drafted: there is no newsletter page with the slug %r.", slug)
        return None
    day = day or grades.latest_graded_day()
    if day is None:
        log.warning("No briefing drafted: no token has been graded yet.")
        return None
    existing = briefing_for(newsletter, day)
    if existing is not None:
        log.info("The briefing for %s exists already: %s.", day, existing.title)
        return existing

    tokens = graded_tokens(day)
    if not tokens:
        log.warning("No briefing drafted: no grades for %s.", day)
        return None
    liquid = [t for t in tokens if t.volume >= settings.NEWSLETTERS_BRIEFING_MIN_VOLUME]
    if not liquid:
        log.warning(
            "No briefing drafted: none of the %d tokens graded for %s traded $%s that day.",
            len(tokens), day, f"{settings.NEWSLETTERS_BRIEFING_MIN_VOLUME:,}",
        )  # fmt: skip
        return None
    liquid = explain_moves(day, liquid)
    articles, articles_are_new = research_for(newsletter, day)

    with transaction.atomic():
        # One drafter at a time per newsletter: a second run waits here, then finds the issue.
        newsletter = NewsletterPage.objects.select_for_update().get(pk=newsletter.pk)
        existing = briefing_for(newsletter, day)
        if existing is not None:
            return existing
        issue = compose(newsletter, day, liquid, articles, articles_are_new)
        newsletter.add_child(instance=issue)
        revision = issue.save_revision(log_action=True)
        if publish:
            revision.publish()
            log.info("Published the briefing for %s: %s", day, issue.subject)
        else:
            workflow = issue.get_workflow()
            if workflow is not None and workflow.active:
                workflow.start(issue, user=None)
            log.info("Drafted the briefing for %s for an editor: %s", day, issue.subject)
    return issue


def briefing_for(newsletter, day):
    return NewsletterIssuePage.objects.child_of(newsletter).filter(drafted_for=day).first()


def graded_tokens(day):
    """Every token graded on ``day`` that is not stale, with its previous grade and volume."""
    rows = (
        Token.objects.filter(is_stale=False, graded_on__gte=day)
        .annotate(
            day_grade=grades.grade_on(day, "trader_grade"),
            day_signal=grades.grade_on(day, "signal"),
            previous_grade=grades.grade_before(day, "trader_grade"),
            previous_day=grades.grade_before(day, "date"),
            day_volume=grades.volume_on(day),
        )
        .filter(day_grade__isnull=False)
        .values_list(
            "slug", "name", "symbol", "day_grade", "previous_grade", "day_signal", "day_volume", "pk",
            "previous_day",
        )  # fmt: skip
    )
    return [
        TokenDay(slug, name, symbol, grade, previous, signal, volume or 0.0, pk, previous_day)
        for slug, name, symbol, grade, previous, signal, volume, pk, previous_day in rows
    ]


def biggest_moves(tokens):
    """(ups, downs): the largest Trader Grade moves each way, largest first."""
    moved = [t for t in tokens if t.change]
    ups = sorted((t for t in moved if t.change > 0), key=lambda t: (-t.change, t.name))[:MOVES]
    downs = sorted((t for t in moved if t.change < 0), key=lambda t: (t.change, t.name))[:MOVES]
    return ups, downs


def explain_moves(day, tokens):
    """``tokens`` with the biggest moves explained by component, from one query of their
    grade rows on the day and on each one's previous graded day."""
    ups, downs = biggest_moves(tokens)
    moved = ups + downs
    if not moved:
        return tokens
    rows = {
        (row.token_id, row.date): row
        for row in GradeDay.objects.filter(
            token_id__in=[t.token_id for t in moved], date__in={day, *(t.previous_day for t in moved)}
        )
    }
    explained = {}
    for token in moved:
        parts = attribution.explain_rows(
            "trader", rows.get((token.token_id, day)), rows.get((token.token_id, token.previous_day))
        )
        text = attribution.describe("Trader Grade", token.change, parts).partition(": ")[2]
        explained[token.token_id] = dataclasses.replace(token, explanation=text)
    return [explained.get(t.token_id, t) for t in tokens]


def research_for(newsletter, day):
    """(articles, whether they are new): research since the last briefing, else the latest few."""
    cards = article_cards(ArticlePage.objects.filter(sponsored=False), prefetch_authors=False)
    last = (
        NewsletterIssuePage.objects.child_of(newsletter)
        .live()
        .exclude(drafted_for=day)
        .order_by("-first_published_at")
        .values_list("first_published_at", flat=True)
        .first()
    )
    newest_first = cards.order_by("-first_published_at", "-pk")
    if last is not None:
        new = list(newest_first.filter(first_published_at__gt=last)[:NEW_ARTICLES])
        if new:
            return new, True
    return list(newest_first[:LATEST_ARTICLES]), False


def compose(newsletter, day, liquid, articles, articles_are_new):
    top = sorted(liquid, key=lambda t: (-t.grade, t.name))[:TOP_PICKS]
    ups, downs = biggest_moves(liquid)
    leader = top[0]
    date_label = f"{day.day} {day:%B %Y}"

    # Promotion slots are filled for the day the issue goes out, not the graded day.
    out_on = timezone.localdate()
    body = [("paragraph", intro(day, len(liquid), leader, ups, downs))]
    body += promotion("newsletter_top", out_on)
    body.append(("token_table", table("Top picks by Trader Grade", top, note=pick_note)))
    body += promotion("newsletter_middle", out_on)
    if ups:
        body.append(("token_table", table("Biggest moves up", ups, note=move_note)))
    if downs:
        body.append(("token_table", table("Biggest moves down", downs, note=move_note)))
    if articles:
        heading = "New research" if articles_are_new else "Latest research"
        body.append(("articles", {"heading": heading, "articles": [a.pk for a in articles]}))
    body.append(("button", {"text": "See every token's grades", "url": absolute(reverse("ratings:table"))}))
    body.append(
        (
            "paragraph",
            format_html(
                '<p><i>Grades come from market data, scored the same way for every token: see <a href="{}">'
                "how we grade</a>. They are research, not financial advice.</i></p>",
                absolute(reverse("ratings:methodology")),
            ),
        )
    )

    return NewsletterIssuePage(
        title=f"{newsletter.title}, {date_label}",
        slug=f"briefing-{day.isoformat()}",
        subject=f"{newsletter.title}, {day.day} {day:%b}: {leader.name} leads at {leader.grade:.1f}"[:200],
        preheader=preheader(ups, downs, articles, articles_are_new)[:200],
        body=json.dumps([{"type": t, "value": v, "id": str(uuid.uuid4())} for t, v in body]),
        drafted_for=day,
        live=False,
    )


def promotion(slot, day):
    """The slot's block, or nothing: a slot with no campaign and no promotion is left out."""
    value = promotions.newsletter_slot(slot, day)
    return [("promotion", value)] if value else []


def intro(day, liquid_count, leader, ups, downs):
    minimum = f"${settings.NEWSLETTERS_BRIEFING_MIN_VOLUME / 1e6:,.0f}M"
    parts = [
        format_html(
            "Good morning. These are the grades for {}, across {} liquid tokens "
            "(at least {} traded that day). <b>{}</b> leads on Trader Grade with {}",
            f"{day.day} {day:%B}",
            f"{liquid_count:,}",
            minimum,
            leader.name,
            f"{leader.grade:.1f}",
        )
    ]
    if ups:
        parts.append(format_html("; <b>{}</b> gained the most ({})", ups[0].name, points(ups[0])))
    if downs:
        parts.append(format_html("; <b>{}</b> lost the most ({})", downs[0].name, points(downs[0])))
    return "<p>" + "".join(str(part) for part in parts) + ".</p>"


def points(token):
    """ "-14.0 points", and what moved it when known: "-14.0 points: momentum -9.0, trend -5.0"."""
    text = f"{token.change:+.1f} points"
    return f"{text}: {token.explanation}" if token.explanation else text


def preheader(ups, downs, articles, articles_are_new):
    moves = [f"{t.name} {t.change:+.1f}" for t in (ups[:1] + downs[:1])]
    parts = [f"Biggest moves: {', '.join(moves)}." if moves else "No big grade moves today."]
    if articles and articles_are_new:
        count = len(articles)
        parts.append(f"Plus {count} new research article{'s' if count != 1 else ''}.")
    elif articles:
        parts.append(f"Plus our latest research: {articles[0].title}.")
    return " ".join(parts)


def table(heading, tokens, *, note):
    return {
        "heading": heading,
        "grade_label": "Trader Grade",
        "rows": [
            {
                "name": t.name,
                "symbol": t.symbol,
                "slug": t.slug,
                "grade": round(t.grade, 1),
                "change": t.change,
                "note": note(t),
            }
            for t in tokens
        ],
    }


def pick_note(token):
    return f"{Signal(token.signal).label} · {money(token.volume)} traded"


def move_note(token):
    note = f"From {token.previous:.1f} to {token.grade:.1f} · {Signal(token.signal).label}"
    return f"{note} · by component: {token.explanation}" if token.explanation else note


def money(amount):
    for divisor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if amount >= divisor:
            return f"${amount / divisor:,.1f}{suffix}"
    return f"${amount:,.0f}"
