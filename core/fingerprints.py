"""Stored stand-ins for personal data: keyed hashes and one spelling of an email address."""

from django.utils.crypto import salted_hmac


def keyed_hash(purpose, value):
    """A stable, non-reversible fingerprint: equal inputs match, nobody can guess back
    without SECRET_KEY. ``purpose`` (e.g. "awards.ip") keeps one use's hashes from matching another's."""
    return salted_hmac(purpose, value or "", algorithm="sha256").hexdigest()[:32]


def normalize_email(email):
    return email.strip().lower()
