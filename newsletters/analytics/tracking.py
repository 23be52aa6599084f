"""Open and click tracking, put into a send when it is frozen and filled in per recipient.

Freezing a send (newsletters.sending.sends.freeze) records each distinct http(s) link of
the issue, in the HTML and the plain text, as a numbered TrackedLink and puts a marker in
its place; the HTML also gets a one-pixel image before </body>. Each message then swaps
the markers for the recipient's own URLs, as it does the unsubscribe link:

    /email/o/<token>.gif           the open image
    /email/c/<token>/<number>/     a click on link <number>, redirected to its URL

The token is the send and delivery ids, signed: one signature per message whatever the
number of links. The link number is outside the signature: changing it can only lead to
another link recorded for the same send, never to an address of someone's choosing.
"""

import functools
import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import get_script_prefix, get_urlconf, reverse

from core.links import absolute

OPEN_MARKER = "%%open_url%%"
CLICK_MARKER = "%%click_base%%"  # followed by the link number and "/"
TRACKING_SALT = "newsletters.tracking"
SLOT = "token-slot"

ANCHOR_HREF = re.compile(
    r"(<a\b[^>]*?\bhref\s*=\s*)([\"'])(.*?)\2([^>]*>)(.*?)</a>", re.IGNORECASE | re.DOTALL
)
TEXT_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+")
TRAILING_PUNCTUATION = ".,;:!?"
TAG = re.compile(r"<[^>]+>")


class BadToken(Exception):
    """Tampered, truncated or signed by another site."""


@dataclass(frozen=True)
class Tracked:
    html: str
    text: str
    links: list  # [(number, url, label)], numbered from 1


def trackable(url):
    return url.startswith(("http://", "https://")) and "%%" not in url


def track(html_body, text_body, opens=None, clicks=None):
    """The bodies with the tracking markers in, and the links they lead to."""
    opens = settings.NEWSLETTERS_TRACK_OPENS if opens is None else opens
    clicks = settings.NEWSLETTERS_TRACK_CLICKS if clicks is None else clicks
    numbers, links = {}, []

    def number_of(url, label=""):
        if url not in numbers:
            numbers[url] = len(numbers) + 1
            links.append((numbers[url], url, label[:200]))
        return numbers[url]

    if clicks:

        def anchor(match):
            url = html.unescape(match.group(3)).strip()
            if not trackable(url):
                return match.group(0)
            label = " ".join(html.unescape(TAG.sub(" ", match.group(5))).split())
            tracked = f"{CLICK_MARKER}{number_of(url, label)}/"
            opening, quote, rest, text = match.group(1), match.group(2), match.group(4), match.group(5)
            return f"{opening}{quote}{tracked}{quote}{rest}{text}</a>"

        def bare(match):
            url = match.group(0)
            stripped = url.rstrip(TRAILING_PUNCTUATION)
            if not trackable(stripped):
                return url
            return f"{CLICK_MARKER}{number_of(stripped)}/{url[len(stripped):]}"

        html_body = ANCHOR_HREF.sub(anchor, html_body)
        text_body = TEXT_URL.sub(bare, text_body)
    if opens:
        pixel = (
            f'<img src="{OPEN_MARKER}" width="1" height="1" alt="" '
            'style="display:block;border:0;width:1px;height:1px">'
        )
        closing = re.search(r"</body\s*>", html_body, re.IGNORECASE)
        if closing:
            html_body = f"{html_body[: closing.start()]}{pixel}\n{html_body[closing.start():]}"
        else:
            html_body = f"{html_body}{pixel}"
    return Tracked(html_body, text_body, links)


def is_tracked(body):
    return OPEN_MARKER in body or CLICK_MARKER in body


def record_links(send, links):
    """The send's links as TrackedLink rows, made in the transaction that freezes it."""
    from newsletters.models import TrackedLink

    TrackedLink.objects.bulk_create(
        TrackedLink(send=send, number=number, url=url, label=label) for number, url, label in links
    )
    links_of.cache_clear()  # a database that reuses ids (SQLite in tests) must not meet an old memo


@functools.lru_cache(maxsize=512)
def links_of(send_id):
    """{number: url} of a send's links. They are recorded when it is frozen and never
    change, so each process asks the database once per send."""
    from newsletters.models import TrackedLink

    return dict(TrackedLink.objects.filter(send_id=send_id).values_list("number", "url"))


# --- Per recipient ---


def delivery_token(send_id, delivery_id):
    return signing.Signer(salt=TRACKING_SALT).sign(f"{send_id}.{delivery_id}")


def read_delivery_token(token):
    """(send id, delivery id) of a token this site signed, or BadToken."""
    try:
        send_id, _, delivery_id = signing.Signer(salt=TRACKING_SALT).unsign(token).partition(".")
        return int(send_id), int(delivery_id)
    except (signing.BadSignature, ValueError) as error:
        raise BadToken(str(error)) from error


@functools.lru_cache(maxsize=16)
def url_templates(base_url, script_prefix, urlconf):
    """(open URL, click base URL), each with SLOT where the token goes: reverse() once."""
    open_url = absolute(reverse("newsletters:open", args=[SLOT], urlconf=urlconf))
    click_url = absolute(reverse("newsletters:click", args=[SLOT, 1], urlconf=urlconf))
    return open_url, click_url.removesuffix("1/")


def tracking_links(send_id, delivery_id):
    """The recipient's tracking URLs, by the marker each replaces."""
    token = delivery_token(send_id, delivery_id)
    open_url, click_base = url_templates(settings.SITE_URL, get_script_prefix(), get_urlconf())
    return {OPEN_MARKER: open_url.replace(SLOT, token), CLICK_MARKER: click_base.replace(SLOT, token)}
