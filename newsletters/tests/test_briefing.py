import datetime
import logging
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import WorkflowState

from blog.tests.factories import ArticlePageFactory
from newsletters.issues.briefing import draft_daily_briefing
from newsletters.issues.rendering import render_issue
from newsletters.models import NewsletterIssuePage, NewsletterPage
from newsletters.tests.factories import (
    NewsletterIndexPageFactory,
    NewsletterIssuePageFactory,
    NewsletterPageFactory,
    TokenFactory,
    grade_token,
)
from ratings.models import GradeDay, Signal, Token

DAY = datetime.date(2024, 11, 22)
BEFORE = DAY - datetime.timedelta(days=1)


@pytest.fixture
def briefing_newsletter(home):
    index = NewsletterIndexPageFactory(parent=home)
    return NewsletterPageFactory(parent=index, title="Daily Briefing", slug="daily-briefing")


@pytest.fixture
def market(db):
    """Six tokens graded on two days: a clear leader, movers both ways, one illiquid, one stale."""
    rows = {
        # name: (grade the day before, grade on DAY, volume on DAY)
        "Solana": (80.0, 86.0, 9e8),
        "Chainlink": (60.0, 72.5, 4e7),
        "Cardano": (75.0, 61.0, 2e7),
        "Uniswap": (55.0, 56.0, 3e6),
        "Tinycoin": (40.0, 95.0, 2e4),  # highest grade and biggest move, but barely traded
    }
    tokens = {}
    for name, (before, today, volume) in rows.items():
        token = TokenFactory(name=name, symbol=name[:3].upper())
        grade_token(token, BEFORE, before, volume=volume)
        grade_token(token, DAY, today, volume=volume, signal=Signal.BUY)
        tokens[name] = token
    stale = TokenFactory(name="Stalecoin", symbol="STL")
    grade_token(stale, BEFORE, 99.0, volume=5e9)
    stale.is_stale = True
    stale.save()
    tokens["Stalecoin"] = stale
    return tokens


def table_rows(issue, heading):
    for block in issue.body:
        if block.block_type == "token_table" and block.value["heading"] == heading:
            return [(row["name"], row["grade"], row["change"]) for row in block.value["rows"]]
    return None


def test_briefing_is_drafted_from_the_days_grades(briefing_newsletter, market):
    issue = draft_daily_briefing()

    issue = NewsletterIssuePage.objects.get(pk=issue.pk)
    assert issue.get_parent().pk == briefing_newsletter.pk
    assert issue.drafted_for == DAY
    assert issue.subject == "Daily Briefing, 22 Nov: Solana leads at 86.0"
    assert issue.preheader.startswith("Biggest moves: Chainlink +12.5, Cardano -14.0.")
    # Liquid, fresh tokens only: Tinycoin traded too little, Stalecoin has no grade that day.
    assert table_rows(issue, "Top picks by Trader Grade") == [
        ("Solana", 86.0, 6.0),
        ("Chainlink", 72.5, 12.5),
        ("Cardano", 61.0, -14.0),
        ("Uniswap", 56.0, 1.0),
    ]
    assert table_rows(issue, "Biggest moves up") == [
        ("Chainlink", 72.5, 12.5),
        ("Solana", 86.0, 6.0),
        ("Uniswap", 56.0, 1.0),
    ]
    assert table_rows(issue, "Biggest moves down") == [("Cardano", 61.0, -14.0)]
    intro = issue.body[0].value.source
    assert "<b>Solana</b> leads on Trader Grade with 86.0" in intro
    assert "<b>Cardano</b> lost the most (-14.0 points)" in intro


def test_briefing_waits_for_an_editor_in_the_moderation_workflow(briefing_newsletter, market, settings):
    settings.NEWSLETTERS_BRIEFING_AUTOPUBLISH = False

    issue = draft_daily_briefing()

    issue.refresh_from_db()
    assert not issue.live and issue.has_unpublished_changes
    assert issue.get_latest_revision().as_object().subject == issue.subject
    state = WorkflowState.objects.get(object_id=str(issue.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def test_briefing_publishes_itself_when_the_setting_says_so(briefing_newsletter, market, settings, client):
    settings.NEWSLETTERS_BRIEFING_AUTOPUBLISH = True

    issue = draft_daily_briefing()

    issue.refresh_from_db()
    assert issue.live
    response = client.get(issue.url)
    assert response.status_code == 200
    assert "Solana leads at 86.0" in response.content.decode()


def test_a_second_run_returns_the_days_briefing_instead_of_a_new_one(briefing_newsletter, market):
    first = draft_daily_briefing()
    second = draft_daily_briefing(DAY)

    assert second.pk == first.pk
    assert NewsletterIssuePage.objects.count() == 1


def test_research_since_the_last_briefing_or_else_the_latest(briefing_newsletter, market, blog_index):
    last_briefing_at = timezone.now() - datetime.timedelta(days=1)
    NewsletterIssuePageFactory(
        parent=briefing_newsletter, title="Yesterday", drafted_for=BEFORE, first_published_at=last_briefing_at
    )
    ArticlePageFactory(
        parent=blog_index, title="Old news", first_published_at=last_briefing_at - datetime.timedelta(hours=2)
    )
    ArticlePageFactory(parent=blog_index, title="Paid post", sponsored=True)
    fresh = ArticlePageFactory(parent=blog_index, title="Fresh research")

    issue = draft_daily_briefing()

    articles = next(block.value for block in issue.body if block.block_type == "articles")
    assert articles["heading"] == "New research"
    assert [a.title for a in articles["articles"]] == [fresh.title]
    assert issue.preheader.endswith("Plus 1 new research article.")


def test_without_new_research_the_latest_articles_are_listed(briefing_newsletter, market, blog_index):
    NewsletterIssuePageFactory(parent=briefing_newsletter, title="Yesterday", drafted_for=BEFORE)
    ArticlePageFactory(
        parent=blog_index, title="Last week", first_published_at=timezone.now() - datetime.timedelta(days=7)
    )

    issue = draft_daily_briefing()

    articles = next(block.value for block in issue.body if block.block_type == "articles")
    assert articles["heading"] == "Latest research"
    assert [a.title for a in articles["articles"]] == ["Last week"]


def test_no_grades_for_the_day_drafts_nothing(briefing_newsletter, market, caplog):
    with caplog.at_level(logging.WARNING, logger="newsletters.issues.briefing"):
        assert draft_daily_briefing(DAY + datetime.timedelta(days=1)) is None

    assert "no grades for 2024-11-23" in caplog.text
    assert not NewsletterIssuePage.objects.exists()


def test_no_graded_tokens_at_all_drafts_nothing(briefing_newsletter, caplog):
    with caplog.at_level(logging.WARNING, logger="newsletters.issues.briefing"):
        assert draft_daily_briefing() is None

    assert "no token has been graded yet" in caplog.text
    assert not NewsletterIssuePage.objects.exists()


def test_no_liquid_token_drafts_nothing(briefing_newsletter, market, settings, caplog):
    settings.NEWSLETTERS_BRIEFING_MIN_VOLUME = 1e12

    with caplog.at_level(logging.WARNING, logger="newsletters.issues.briefing"):
        assert draft_daily_briefing() is None

    assert "none of the 5 tokens graded for 2024-11-22 traded" in caplog.text
    assert not NewsletterIssuePage.objects.exists()


def test_without_the_briefing_newsletter_page_nothing_is_drafted(home, market, caplog):
    with caplog.at_level(logging.WARNING, logger="newsletters.issues.briefing"):
        assert draft_daily_briefing() is None

    assert "no newsletter page with the slug 'daily-briefing'" in caplog.text
    assert not NewsletterIssuePage.objects.exists()


def test_a_failure_while_saving_leaves_no_half_written_issue(briefing_newsletter, market, monkeypatch):
    def broken_save_revision(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(NewsletterIssuePage, "save_revision", broken_save_revision)

    with pytest.raises(RuntimeError):
        draft_daily_briefing()

    assert not NewsletterIssuePage.objects.exists()


def test_drafted_briefing_renders_as_email_with_readable_text(briefing_newsletter, market, settings):
    settings.SITE_URL = "https://research.example.com"
    issue = draft_daily_briefing()

    rendered = render_issue(issue)

    assert 'href="https://research.example.com/ratings/solana/"' in rendered.html
    assert "1. Solana (SOL): Trader Grade 86.0 (+6.0)" in rendered.text
    assert "   https://research.example.com/ratings/solana/" in rendered.text
    assert (
        "Biggest moves down\n------------------\n1. Cardano (CAR): Trader Grade 61.0 (-14.0)" in rendered.text
    )


def test_load_demo_publishes_newsletters_and_briefings_from_the_demo_grades(db, client):
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("load_demo", stdout=out)  # a second run changes nothing

    assert "newsletters: 2 newsletters at /newsletters/, 2 Research Weekly issues (0 new)" in out.getvalue()
    daily = NewsletterPage.objects.get(slug="daily-briefing")
    weekly = NewsletterPage.objects.get(slug="research-weekly")
    assert daily.subscribe_by_default and not weekly.subscribe_by_default
    latest = Token.objects.order_by("-graded_on").values_list("graded_on", flat=True).first()
    briefings = NewsletterIssuePage.objects.child_of(daily).live().order_by("-drafted_for")
    assert [b.drafted_for for b in briefings] == [latest - datetime.timedelta(days=n) for n in range(3)]
    assert briefings[0].subject.startswith(f"Daily Briefing, {latest.day} {latest:%b}: ")
    assert NewsletterIssuePage.objects.child_of(weekly).live().count() == 2

    archive = client.get(daily.url).content.decode()
    subjects = re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>', archive)
    assert subjects == [escape(b.subject) for b in briefings]
    issue = client.get(briefings[0].url)
    assert issue.status_code == 200 and "Top picks by Trader Grade" in issue.content.decode()
    assert client.get(weekly.url + "feed/").status_code == 200


def store_components(token, day, **scores):
    GradeDay.objects.filter(token=token, date=day).update(**scores)


def test_the_biggest_moves_are_explained_by_component(briefing_newsletter, market):
    # Cardano 75.0 -> 61.0: trend 0.35 x -20 = -7.0, momentum 0.25 x -28 = -7.0; the rest still.
    cardano = market["Cardano"]
    store_components(cardano, BEFORE, trend=90, momentum=88, volatility=40, volume_flow=60)
    store_components(cardano, DAY, trend=70, momentum=60, volatility=40, volume_flow=60)

    issue = draft_daily_briefing()

    intro = issue.body[0].value.source
    assert "<b>Cardano</b> lost the most (-14.0 points: momentum -7.0, trend -7.0)" in intro
    notes = {
        row["name"]: row["note"]
        for block in issue.body
        if block.block_type == "token_table" and block.value["heading"].startswith("Biggest moves")
        for row in block.value["rows"]
    }
    assert notes["Cardano"] == "From 75.0 to 61.0 · Buy · by component: momentum -7.0, trend -7.0"
    # A token whose components are not stored keeps the plain note.
    assert notes["Chainlink"] == "From 60.0 to 72.5 · Buy"


def test_explaining_the_moves_costs_one_query_however_many_tokens_moved(briefing_newsletter, market):
    with CaptureQueriesContext(connection) as few:
        draft_daily_briefing()
    NewsletterIssuePage.objects.all().delete()
    for n in range(12):  # twelve more movers, each with components on both days
        token = TokenFactory(name=f"Mover {n}", symbol=f"M{n}")
        grade_token(token, BEFORE, 50.0, volume=5e7)
        grade_token(token, DAY, 50.0 + (n + 1) * (-1) ** n, volume=5e7, signal=Signal.BUY)
        store_components(token, BEFORE, trend=50, momentum=50, volatility=50, volume_flow=50)
        store_components(token, DAY, trend=50 + n, momentum=50, volatility=50, volume_flow=50)
    with CaptureQueriesContext(connection) as many:
        draft_daily_briefing()
    grade_reads = [q for q in many.captured_queries if q["sql"].startswith('SELECT "ratings_gradeday"')]
    assert len(grade_reads) == 1
    assert len(many.captured_queries) == len(few.captured_queries)
