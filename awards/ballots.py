"""The ballot a voter carries in the signed link, and the keyed hashes kept for audit.

The link is signed, not encrypted: it holds the voter's own email and choice, plus
hashes of their IP and browser that mean nothing without our SECRET_KEY.
"""

import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing

from core import fingerprints

SALT = "awards.ballot"


class BallotError(Exception):
    pass


class TamperedBallot(BallotError):
    pass


class ExpiredBallot(BallotError):
    pass


@dataclass(frozen=True)
class Ballot:
    category_id: int
    nominee_id: int
    email: str
    ip_hash: str
    user_agent_hash: str
    token: str = ""
    requested_at: int = 0  # Unix seconds

    @classmethod
    def new(cls, **fields):
        return cls(token=secrets.token_hex(16), requested_at=int(datetime.now(UTC).timestamp()), **fields)

    @property
    def requested_datetime(self):
        return datetime.fromtimestamp(self.requested_at, UTC)


def sign(ballot):
    return signing.dumps(asdict(ballot), salt=SALT, compress=True)


def unsign(value):
    try:
        data = signing.loads(value, salt=SALT, max_age=settings.AWARDS_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ExpiredBallot(str(error)) from error
    except signing.BadSignature as error:
        raise TamperedBallot(str(error)) from error
    try:
        return Ballot(**data)
    except TypeError as error:  # signed by us but in a shape we no longer read
        raise TamperedBallot(str(error)) from error


def keyed_hash(kind, value):
    return fingerprints.keyed_hash(f"awards.{kind}", value)


def email_domain(email):
    return email.rpartition("@")[2]
