"""How one newsletter message leaves the building: EmailDelivery, over the newsletters'
Django email back end (settings.NEWSLETTERS_EMAIL_BACKEND, or EMAIL_BACKEND): SMTP by
default, an anymail back end for an ESP. That setting is the pluggable part.

A delivery opens one session per batch (an SMTP connection, an ESP's HTTP session) and
sends one message at a time, so the worker can mark each recipient sent the moment the
server has accepted it. A failure comes back as TemporaryFailure (try again later) or
PermanentFailure (record it and move on).
"""

import contextlib
import smtplib
from dataclasses import dataclass

from anymail.exceptions import (
    AnymailAPIError,
    AnymailError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
)
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address

from newsletters.sending.composing import Skeleton


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str
    headers: dict


class DeliveryFailure(Exception):
    pass


class TemporaryFailure(DeliveryFailure):
    """Worth another try later: a 4xx reply, a dropped connection, an ESP that is busy or down."""


class PermanentFailure(DeliveryFailure):
    """Trying again would fail the same way: a 5xx reply, a refused or invalid recipient."""


class EmailDelivery:
    """One session per batch over the newsletters' email back end; open, send, send..., close.

    Over SMTP the MIME structure is composed once per subject (see Skeleton) and each
    message only fills in its recipient, links and bodies: Python's email package takes
    milliseconds per 20 KB message, longer than sending it.
    """

    def __init__(self, email_backend=None, from_email=None):
        self.connection = get_connection(email_backend or settings.NEWSLETTERS_EMAIL_BACKEND or None)
        self.from_email = from_email or settings.DEFAULT_FROM_EMAIL
        self.needs_open = True
        self.precompose = isinstance(self.connection, SMTPBackend)
        self.skeletons = {}
        if self.precompose:
            self.envelope_from = sanitize_address(self.from_email, settings.DEFAULT_CHARSET)

    def open(self):
        try:
            self.connection.open()
        except Exception as error:
            self._drop()
            raise classify(error) from error
        self.needs_open = False

    def close(self):
        self._drop()

    def email_message(self, message):
        fields = {
            "subject": message.subject,
            "body": message.text,
            "from_email": self.from_email,
            "to": [message.to],
            "headers": message.headers,
            "connection": self.connection,
        }
        wire = self.precomposed(message) if self.precompose else None
        email = PrecomposedEmail(wire, **fields) if wire else EmailMultiAlternatives(**fields)
        email.attach_alternative(message.html, "text/html")
        return email

    def precomposed(self, message):
        """The message's bytes from its subject's skeleton, or None if it takes Django's path."""
        key = (message.subject, tuple(message.headers))
        if key not in self.skeletons:
            self.skeletons[key] = Skeleton(message.subject, self.from_email, list(message.headers))
        return self.skeletons[key].fill(message)

    def _drop(self):
        with contextlib.suppress(Exception):  # a broken connection may fail to say goodbye
            self.connection.close()
        self.needs_open = True

    def send(self, message):
        if self.needs_open:
            self.open()  # again, after a dropped connection
        email = self.email_message(message)
        try:
            if isinstance(email, PrecomposedEmail):
                # What Django's SMTP back end does with it, minus parsing both addresses
                # again for every message (its slowest step once the MIME is composed).
                self.connection.connection.sendmail(self.envelope_from, [message.to], email.wire)
            else:
                self.connection.send_messages([email])
        except Exception as error:
            failure = classify(error)
            if breaks_connection(error):
                self._drop()
            raise failure from error


class PrecomposedEmail(EmailMultiAlternatives):
    """An email whose bytes are already composed; the fields stay for anything that reads them."""

    def __init__(self, wire, **fields):
        super().__init__(**fields)
        self.wire = wire

    def message(self):
        return Precomposed(self.wire)


class Precomposed:
    """What Django's SMTP back end asks a message for: its bytes (with CRLF line ends)."""

    def __init__(self, wire):
        self.wire = wire

    def as_bytes(self, unixfrom=False, linesep="\r\n"):
        return self.wire


def smtp_reply(code, text):
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return f"{code} {text}"


def classify(error):
    """TemporaryFailure or PermanentFailure for an exception a Django email back end raised."""
    # Anymail first: its API errors are also requests errors, which are OSErrors.
    if isinstance(error, AnymailRecipientsRefused | AnymailInvalidAddress):
        return PermanentFailure(f"recipient refused: {first_line(error)}")
    if isinstance(error, AnymailAPIError):
        status = error.status_code
        if status is None or status == 429 or status >= 500:
            return TemporaryFailure(f"ESP unavailable: {first_line(error)}")
        return PermanentFailure(f"ESP refused: {first_line(error)}")
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        described = "; ".join(smtp_reply(code, text) for code, text in replies)
        if all(400 <= code < 500 for code, _ in replies):
            return TemporaryFailure(f"recipient deferred: {described}")
        return PermanentFailure(f"recipient refused: {described}")
    if isinstance(error, smtplib.SMTPResponseException):
        reply = smtp_reply(error.smtp_code, error.smtp_error)
        if isinstance(error, smtplib.SMTPAuthenticationError | smtplib.SMTPSenderRefused):
            # Our account or sender address, not this recipient: every message would fail
            # alike, so retry (an operator can fix it) instead of failing the whole list.
            return TemporaryFailure(f"server refused the sender: {reply}")
        if 400 <= error.smtp_code < 500:
            return TemporaryFailure(f"server deferred: {reply}")
        return PermanentFailure(f"server refused: {reply}")
    if isinstance(error, OSError):  # SMTPServerDisconnected, refused connection, timeout
        return TemporaryFailure(f"connection failed: {error.__class__.__name__}: {error}")
    # Anything else is a defect that another try would repeat; recording it keeps a
    # send from retrying one bad message for ever.
    return PermanentFailure(f"{error.__class__.__name__}: {error}")


def breaks_connection(error):
    """After these the SMTP session is gone or unusable: reconnect before the next message."""
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421  # "service closing transmission channel"
    if isinstance(error, AnymailError | smtplib.SMTPRecipientsRefused):
        return False
    return isinstance(error, OSError)


def first_line(error):
    return str(error).splitlines()[0] if str(error) else error.__class__.__name__
