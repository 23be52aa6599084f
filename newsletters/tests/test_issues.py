import datetime
import re

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree as ET
from django.utils import timezone

from blog.tests.factories import ArticlePageFactory, ImageFactory, body
from newsletters.issues.rendering import PREFERENCES_MARKER, UNSUBSCRIBE_MARKER, personalise, render_issue
from newsletters.tests.factories import (
    NewsletterIssuePageFactory,
    NewsletterPageFactory,
)


@pytest.fixture
def weekly(index):
    return NewsletterPageFactory(
        parent=index,
        title="Research Weekly",
        slug="research-weekly",
        description="Our week in research, every Friday.",
        cadence="Every Friday",
    )


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def issues(weekly):
    """Three published issues, a week apart, and one draft."""
    published = [
        NewsletterIssuePageFactory(parent=weekly, title=f"Week {n}", first_published_at=days_ago(7 * (3 - n)))
        for n in (1, 2, 3)
    ]
    NewsletterIssuePageFactory(parent=weekly, title="Unfinished", live=False, first_published_at=None)
    return published


def subjects_in(html):
    return re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>', html)


def test_archive_shows_the_newsletter_and_its_published_issues_newest_first(
    client, weekly, issues, django_assert_max_num_queries
):
    client.get(weekly.url)  # the site, its settings and the route are cached from here on
    with django_assert_max_num_queries(4):
        response = client.get(weekly.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Research Weekly</h1>" in html
    assert "Our week in research, every Friday." in html
    assert "Every Friday" in html
    assert "Get Research Weekly by email, free" in html  # the sign-up box, for this newsletter alone
    assert f'<input type="hidden" name="newsletter" value="{weekly.pk}">' in html
    assert html.count('class="signup-box"') == 1  # no second, generic box in the footer
    assert 'href="/newsletters/">all our newsletters</a>' in html
    assert subjects_in(html) == [f"Week {n}: what moved this week" for n in (3, 2, 1)]
    assert "Unfinished" not in html
    feed_link = '<link rel="alternate" type="application/rss+xml" title="Research Weekly issues (RSS)"'
    assert f'{feed_link} href="/newsletters/research-weekly/feed/">' in html


def test_archive_is_paginated(client, weekly, issues, settings):
    settings.NEWSLETTERS_ISSUES_PER_PAGE = 2

    first, second = client.get(weekly.url), client.get(weekly.url + "?page=2")
    past_the_end = client.get(weekly.url + "?page=3")
    not_a_number = client.get(weekly.url + "?page=last")

    assert subjects_in(first.content.decode()) == [
        "Week 3: what moved this week",
        "Week 2: what moved this week",
    ]
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert subjects_in(second.content.decode()) == ["Week 1: what moved this week"]
    assert past_the_end.status_code == 404
    assert "There are 2 page(s) of issues; there is no page 3." in past_the_end.content.decode()
    assert not_a_number.status_code == 404


def test_archive_with_no_issues_says_so(client, weekly):
    response = client.get(weekly.url)

    assert response.status_code == 200
    assert "No issues yet" in response.content.decode()


def test_rss_feed_lists_published_issues_newest_first(client, weekly, issues):
    response = client.get(weekly.url + "feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "Research Weekly: Token Research newsletter"
    assert channel.findtext("link") == "http://localhost/newsletters/research-weekly/"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        f"Week {n}: what moved this week" for n in (3, 2, 1)
    ]
    assert items[0].findtext("link") == "http://localhost/newsletters/research-weekly/week-3/"
    assert items[0].findtext("description") == "Three charts and one question for the week ahead."
    assert items[0].findtext("pubDate")


def test_unknown_path_under_a_newsletter_is_not_found(client, weekly):
    assert client.get(weekly.url + "atom/").status_code == 404


def test_issue_page_renders_the_issue_in_the_site_layout(
    client, weekly, blog_index, django_assert_max_num_queries
):
    article = ArticlePageFactory(parent=blog_index, title="Staking explained")
    issue = NewsletterIssuePageFactory(
        parent=weekly,
        title="Week 9",
        subject="Staking, explained in five minutes",
        first_published_at=timezone.make_aware(datetime.datetime(2024, 11, 22, 7)),
        body=body(
            ("heading", "This week"),
            ("paragraph", "<p>Yields are <b>not</b> free money.</p>"),
            ("articles", {"heading": "Read more", "articles": [article.pk]}),
        ),
    )

    client.get(issue.url)  # the site, its settings and the route are cached from here on
    with django_assert_max_num_queries(4):
        response = client.get(issue.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Staking, explained in five minutes</h1>" in html
    assert '<time datetime="2024-11-22">Nov. 22, 2024</time>' in html
    assert "Yields are <b>not</b> free money." in html
    assert f'<a href="{article.url}">Staking explained</a>' in html  # styled by site.css
    assert 'class="site-header"' in html  # the site layout
    assert (
        '<a class="back-link" href="/newsletters/research-weekly/">← All Research Weekly issues</a>' in html
    )
    assert 'href="/newsletters/research-weekly/feed/"' in html
    assert f'<input type="hidden" name="newsletter" value="{weekly.pk}">' in html
    assert html.count('class="signup-box"') == 1


@pytest.fixture
def rich_issue(weekly, blog_index, settings):
    settings.SITE_URL = "https://research.example.com"
    article = ArticlePageFactory(parent=blog_index, title="Why DePIN won the vote", slug="depin-won")
    picture = ImageFactory(title="Chart of the week")
    return NewsletterIssuePageFactory(
        parent=weekly,
        title="Week 10",
        slug="week-10",
        subject="DePIN's win, explained",
        preheader="Three reasons readers picked it, and one risk.",
        body=body(
            ("heading", "The vote"),
            (
                "paragraph",
                f'<p>Readers picked DePIN. <a linktype="page" id="{article.pk}">Our write-up</a> has the '
                "numbers.</p><ul><li><b>Fees:</b> real users pay them.</li><li><b>Risk:</b> hardware "
                "costs.</li></ul>",
            ),
            ("image", picture.pk),
            (
                "token_table",
                {
                    "heading": "Grades to watch",
                    "grade_label": "Trader Grade",
                    "rows": [
                        {"name": "Helium", "symbol": "HNT", "slug": "helium", "grade": 71.25, "change": 4.5},
                        {"name": "Render", "symbol": "RNDR", "slug": "render", "grade": 64.0, "change": -2.0},
                    ],
                },
            ),
            ("articles", {"heading": "Read more", "articles": [article.pk]}),
            ("button", {"text": "See all grades", "url": "https://research.example.com/ratings/"}),
        ),
    )


def test_email_html_has_absolute_links_preheader_and_link_markers(rich_issue):
    rendered = render_issue(rich_issue)
    html = rendered.html

    assert rendered.subject == "DePIN's win, explained"
    assert "Three reasons readers picked it, and one risk." in html.split("<table", 1)[0]  # preheader first
    assert 'href="https://research.example.com/newsletters/research-weekly/week-10/"' in html  # web link
    assert 'href="https://research.example.com/blog/depin-won/">Our write-up</a>' in html
    assert 'href="https://research.example.com/ratings/helium/"' in html
    assert re.search(r'<img src="https://research\.example\.com/media/images/[^"]+"', html)
    assert not re.search(r'(href|src)="/', html), "every link in an email must be absolute"
    assert f'href="{UNSUBSCRIBE_MARKER}"' in html and f'href="{PREFERENCES_MARKER}"' in html
    assert ">+4.5<" in html and ">-2.0<" in html


def test_email_text_is_readable_block_by_block(rich_issue):
    text = render_issue(rich_issue).text

    assert "<" not in text  # no tags left
    assert "The vote\n--------\n" in text
    assert (
        "Readers picked DePIN. Our write-up\n(https://research.example.com/blog/depin-won/) has the numbers."
        in text
    )
    assert "- Fees: real users pay them.\n- Risk: hardware costs." in text
    assert "[Image: Chart of the week]" in text
    assert (
        "1. Helium (HNT): Trader Grade 71.3 (+4.5)\n   https://research.example.com/ratings/helium/" in text
    )
    assert "2. Render (RNDR): Trader Grade 64.0 (-2.0)" in text
    assert (
        "Read more\n---------\n- Why DePIN won the vote\n  https://research.example.com/blog/depin-won/"
        in text
    )
    assert "See all grades: https://research.example.com/ratings/" in text
    assert f"Unsubscribe in one click: {UNSUBSCRIBE_MARKER}" in text
    assert f"Choose your newsletters: {PREFERENCES_MARKER}" in text


def test_personalised_email_carries_the_readers_own_links(rich_issue):
    rendered = render_issue(rich_issue)

    html = personalise(rendered.html, 41, rich_issue.newsletter.pk)
    text = personalise(rendered.text, 41, rich_issue.newsletter.pk)

    for body_ in (html, text):
        assert UNSUBSCRIBE_MARKER not in body_ and PREFERENCES_MARKER not in body_
        assert "https://research.example.com/email/unsubscribe/" in body_
        assert "https://research.example.com/email/preferences/" in body_


def test_editors_preview_the_issue_as_web_page_email_and_text(weekly):
    issue = NewsletterIssuePageFactory(parent=weekly, title="Draft", subject="Coming Friday", live=False)

    assert [mode for mode, _ in issue.preview_modes] == ["", "email", "text"]
    modes = {mode: issue.make_preview_request(preview_mode=mode) for mode in ("", "email", "text")}

    page = modes[""].render().content.decode()
    assert "<h1>Coming Friday</h1>" in page and 'class="site-header"' in page
    email = modes["email"].content.decode()
    assert email.startswith("<!doctype html>") and f'href="{UNSUBSCRIBE_MARKER}"' in email
    assert modes["text"]["Content-Type"] == "text/plain; charset=utf-8"
    text = modes["text"].content.decode()
    assert "Coming Friday" in text and "Markets were quiet." in text and "<" not in text


def test_the_issue_page_has_no_inline_styles_while_the_email_keeps_them(client, rich_issue):
    """Email clients read only inline styles; the site's Content-Security-Policy blocks them,
    so the web page styles the same blocks from site.css."""
    email = render_issue(rich_issue).html
    assert 'style="border-top:1px solid #e3e6ea;text-align:right;color:#1a7f37">+4.5<' in email
    assert 'style="font-size:19px;line-height:1.3;margin:24px 0 8px;color:#1b1f24">Grades to watch<' in email

    page = client.get(rich_issue.url)
    body = BeautifulSoup(page.content, "html.parser").select_one(".issue-body")
    assert body.select("h2") and body.select("table.issue-table") and body.select("img")
    assert [tag.name for tag in body.find_all(style=True)] == []
    assert [cell.get_text() for cell in body.select("td.up, td.down")] == ["+4.5", "-2.0"]
    directives = dict(part.strip().split(" ", 1) for part in page["Content-Security-Policy"].split(";"))
    assert directives["style-src"] == "'self'"  # no 'unsafe-inline
