"""Stored stand-ins for personal data: keyed hashes, one spelling of an email address, and
the mailbox an address reaches."""

from django.utils.crypto import salted_hmac


def keyed_hash(purpose, value):
    """A stable, non-reversible fingerprint: equal inputs match, nobody can guess back
    without SECRET_KEY. ``purpose`` (e.g. "awards.ip") keeps one use's hashes from matching another's."""
    return salted_hmac(purpose, value or "", algorithm="sha256").hexdigest()[:32]


def normalize_email(email):
    """The address as stored and mailed: trimmed and lower-cased, nothing else."""
    return email.strip().lower()


# How the common free providers deliver variants of one address to one mailbox:
#
#   domains                                   folds to     ignored in the local part
#   gmail.com, googlemail.com                 gmail.com    dots; "+" and what follows
#   outlook.com, hotmail.com, live.com        (same)       "+" and what follows
#   yahoo.com                                 (same)       "-" and what follows: Yahoo's
#                                                          disposable addresses (a Yahoo ID
#                                                          cannot contain "-")
#   icloud.com, me.com, mac.com               icloud.com   "+" and what follows (one Apple
#                                                          name owns it on all three domains)
#   fastmail.com, fastmail.fm                 (same)       "+" and what follows
#   proton.me, protonmail.com,                proton.me    "+" and what follows; dots,
#   protonmail.ch, pm.me                                   hyphens and underscores (Proton
#                                                          delivers john.doe, john-doe and
#                                                          john_doe to johndoe; one username
#                                                          owns it on all four domains)
#
# Every address, at these providers or not, is lower-cased whole. RFC 5321 lets a server
# tell "Ada" from "ada" in the local part, but no common provider does; counting them as
# two people would give anyone a second vote for the price of a capital letter.
PROVIDERS = {}


def _provider(domains, canonical=None, tag="", ignored=""):
    for domain in domains:
        PROVIDERS[domain] = (canonical or domain, tag, ignored)


_provider(["gmail.com", "googlemail.com"], "gmail.com", tag="+", ignored=".")
_provider(["outlook.com", "hotmail.com", "live.com"], tag="+")
_provider(["yahoo.com"], tag="-")
_provider(["icloud.com", "me.com", "mac.com"], "icloud.com", tag="+")
_provider(["fastmail.com", "fastmail.fm"], tag="+")
_provider(["proton.me", "protonmail.com", "protonmail.ch", "pm.me"], "proton.me", tag="+", ignored=".-_")


def mailbox(email):
    """The mailbox ``email`` reaches: ``A.Da+awards@GoogleMail.com`` -> ``ada@gmail.com``.

    The provider table above says what each provider ignores; any other domain's address
    is only lower-cased. A local part that folding would empty (``+x@gmail.com``) is kept
    as typed rather than made equal to every other such address.
    """
    local, at, domain = normalize_email(email).rpartition("@")
    if not at or domain not in PROVIDERS:
        return normalize_email(email)
    canonical, tag, ignored = PROVIDERS[domain]
    folded = local.partition(tag)[0] if tag else local
    folded = folded.translate({ord(character): None for character in ignored})
    return f"{folded or local}@{canonical}"
