"""An issue as email: rendered once per send, personalised per recipient by substitution.

Rendering a StreamField for each of 100,000 recipients would cost more than sending; the
issue is rendered once with markers where each reader's own links go, and ``personalise``
swaps them in.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string

from core.links import absolute
from newsletters.subscriptions import links

UNSUBSCRIBE_MARKER = "%%unsubscribe_url%%"
PREFERENCES_MARKER = "%%preferences_url%%"


@dataclass(frozen=True)
class RenderedIssue:
    subject: str
    html: str
    text: str


def render_issue(issue, newsletter=None):
    newsletter = newsletter or issue.newsletter
    context = {
        "issue": issue,
        "newsletter": newsletter,
        "web_url": absolute(issue.url or ""),
        "unsubscribe_url": UNSUBSCRIBE_MARKER,
        "preferences_url": PREFERENCES_MARKER,
    }
    return RenderedIssue(
        subject=issue.subject,
        html=render_to_string("newsletters/email/issue.html", context),
        text=render_to_string("newsletters/email/issue.txt", context),
    )


def personal_links(subscriber_id, newsletter_id):
    """The recipient's own links, by the marker each replaces (made once per message)."""
    return {
        UNSUBSCRIBE_MARKER: links.unsubscribe_url(subscriber_id, newsletter_id),
        PREFERENCES_MARKER: links.preferences_url(subscriber_id),
    }


def personalise(body, subscriber_id, newsletter_id, urls=None):
    for marker, url in (urls or personal_links(subscriber_id, newsletter_id)).items():
        body = body.replace(marker, url)
    return body
