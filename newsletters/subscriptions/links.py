"""Signed links in newsletter emails: confirm a sign-up, manage preferences, unsubscribe.

A link carries ids, never anything a reader could change to act for someone else: the
signature covers them. Confirmation links expire; unsubscribe and preference links do not,
because an old email must still let its reader leave.
"""

import functools
from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.urls import get_script_prefix, get_urlconf, reverse

from core.links import absolute

CONFIRM_SALT = "newsletters.confirm"
PREFERENCES_SALT = "newsletters.preferences"
UNSUBSCRIBE_SALT = "newsletters.unsubscribe"


class BadLink(Exception):
    """Tampered, truncated or from another site."""


class ExpiredLink(BadLink):
    pass


TOKEN_SLOT = "token-slot"  # noqa: S105 - a placeholder, not a secret


def token_url(name, token):
    """core.links.absolute(reverse(name, args=[token])), with reverse() done once per URL name.

    A newsletter makes two of these links for each of 100,000 recipients, and reverse()
    is the slowest part of a link. Signed tokens use only characters a URL path keeps
    as they are, so the token simply takes the slot's place.
    """
    return url_template(name, settings.SITE_URL, get_script_prefix(), get_urlconf()).replace(
        TOKEN_SLOT, token
    )


@functools.lru_cache(maxsize=64)
def url_template(name, base_url, script_prefix, urlconf):
    return urljoin(base_url, reverse(name, args=[TOKEN_SLOT], urlconf=urlconf))


def _loads(value, salt, max_age=None):
    try:
        return signing.loads(value, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ExpiredLink(str(error)) from error
    except signing.BadSignature as error:
        raise BadLink(str(error)) from error


def confirm_token(subscriber_id, newsletter_ids):
    return signing.dumps({"s": subscriber_id, "n": sorted(newsletter_ids)}, salt=CONFIRM_SALT)


def read_confirm_token(value):
    """(subscriber id, newsletter ids) from a confirmation link younger than its max age."""
    data = _loads(value, CONFIRM_SALT, max_age=settings.NEWSLETTERS_CONFIRM_MAX_AGE)
    try:
        return int(data["s"]), [int(pk) for pk in data["n"]]
    except (KeyError, TypeError, ValueError) as error:
        raise BadLink("unexpected payload") from error


def confirm_url(subscriber_id, newsletter_ids):
    return absolute(reverse("newsletters:confirm", args=[confirm_token(subscriber_id, newsletter_ids)]))


def subscriber_token(subscriber_id, salt):
    return signing.Signer(salt=salt).sign(str(subscriber_id))


def read_subscriber_token(value, salt):
    try:
        return int(signing.Signer(salt=salt).unsign(value))
    except (signing.BadSignature, ValueError) as error:
        raise BadLink(str(error)) from error


def preferences_url(subscriber_id):
    return token_url("newsletters:preferences", subscriber_token(subscriber_id, PREFERENCES_SALT))


def unsubscribe_token(subscriber_id, newsletter_id):
    """Per recipient and newsletter: one click leaves the list the email came from."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(f"{subscriber_id}.{newsletter_id}")


def read_unsubscribe_token(value):
    """(subscriber id, newsletter id); newsletter id 0 means every newsletter (alerts emails)."""
    try:
        subscriber_id, _, newsletter_id = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(value).partition(".")
        return int(subscriber_id), int(newsletter_id)
    except (signing.BadSignature, ValueError) as error:
        raise BadLink(str(error)) from error


def unsubscribe_url(subscriber_id, newsletter_id):
    return token_url("newsletters:unsubscribe", unsubscribe_token(subscriber_id, newsletter_id))
