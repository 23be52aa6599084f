"""Private report links for sponsors: a signed reference to a ReportLink row, so a link can
expire (its row says when) and be revoked before then (its row says so)."""

import datetime

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from core.links import absolute
from sponsors.models import ReportLink

SALT = "sponsors.report-link"
DEFAULT_DAYS = 90


class LinkProblem(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def make(campaign, user=None, days=DEFAULT_DAYS):
    return ReportLink.objects.create(
        campaign=campaign, created_by=user, expires_at=timezone.now() + datetime.timedelta(days=days)
    )


def token_for(link):
    return signing.dumps({"l": link.pk, "n": link.nonce}, salt=SALT)


def url_for(link):
    return absolute(reverse("sponsors:report", args=[token_for(link)]))


def resolve(token):
    """The ReportLink the token names, or LinkProblem(404 tampered or unknown, 410 expired or revoked)."""
    try:
        data = signing.loads(token, salt=SALT)
        link_id, nonce = int(data["l"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise LinkProblem(404, "This report link is not valid. Ask us for a new one.") from error
    links = ReportLink.objects.select_related("campaign__sponsor", "campaign__package")
    link = links.filter(pk=link_id).first()
    if link is None or link.nonce != nonce:
        raise LinkProblem(404, "This report link is not valid. Ask us for a new one.")
    if link.revoked_at is not None:
        raise LinkProblem(410, "This report link was withdrawn. Ask us for a new one.")
    if link.expires_at <= timezone.now():
        raise LinkProblem(410, "This report link has expired. Ask us for a new one.")
    return link


def revoke(link, user=None):
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])
