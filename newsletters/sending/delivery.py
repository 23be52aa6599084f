"""How one newsletter message leaves the building: EmailDelivery, over the newsletters'
Django email back end (settings.NEWSLETTERS_EMAIL_BACKEND, or EMAIL_BACKEND): SMTP by
default, an anymail back end for an ESP. That setting is the pluggable part.

A delivery opens one session per batch (an SMTP connection, an ESP's HTTP session) and
sends one message at a time, so the worker can mark each recipient sent the moment the
server has accepted it. A failure comes back as one of three kinds: ServerUnavailable (the
server or ESP cannot be reached or refuses us: no recipient's fault, the whole send waits),
TemporaryFailure (this message: try again later) or PermanentFailure (record it and move on).
"""

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from email.utils import parseaddr

from anymail.exceptions import (
    AnymailAPIError,
    AnymailError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
)
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.utils import DNS_NAME

from newsletters.sending.composing import PLAIN_ADDRESS, Skeleton


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
    """Worth another try later: a 4xx reply other than 421, a connection that broke under this
    message while the server still takes new ones."""


class PermanentFailure(DeliveryFailure):
    """Trying again would fail the same way: a 5xx reply, a refused or invalid recipient."""


class ServerUnavailable(TemporaryFailure):
    """The mail server or ESP cannot be reached, or refuses us rather than a recipient: no
    connection, a timeout connecting, a refused login or HELO, TLS failing, our sender
    refused, a 421 reply (the server closing the session on us), an ESP's 5xx or 401/403
    or 429. Every message would fail alike, so the worker pauses the whole send
    (newsletters.sending.outages) and charges nobody an attempt. The message is the
    reason, as an operator reads it: "connection refused"."""


class EmailDelivery:
    """One session per batch over the newsletters' email back end: open, send, send..., close.

    Over Django's SMTP back end each message is filled into a MIME skeleton composed once
    per subject (composing.Skeleton: Python's email package takes milliseconds per 20 KB
    message, longer than sending it) and its bytes go out on an SMTP session of our own,
    opened from the same EMAIL_* settings (smtp_session). Django's back end offers no
    public way to send bytes: it takes EmailMessage objects and parses both addresses
    again for every one. A message that does not fit the skeleton, and every message to
    any other back end (an ESP through anymail), goes through the back end's
    send_messages().
    """

    def __init__(self):
        self.connection = get_connection(settings.NEWSLETTERS_EMAIL_BACKEND or None)
        self.from_email = settings.DEFAULT_FROM_EMAIL
        self.envelope_from = parseaddr(self.from_email)[1]
        # Only Django's own SMTP back end (a subclass may connect or send its own way), and a
        # sender address that goes into MAIL FROM as it is.
        self.precompose = (
            type(self.connection) is SMTPBackend
            and self.envelope_from.isascii()
            and bool(PLAIN_ADDRESS.fullmatch(self.envelope_from))
        )
        self.skeletons = {}
        self.smtp = None
        self.needs_open = True

    def open(self):
        """Connect (and log in). Any failure here is the server's or our settings', never a
        recipient's: ServerUnavailable."""
        try:
            if self.precompose:
                self.smtp = smtp_session()
            else:
                self.connection.open()
        except Exception as error:
            self._drop()
            raise ServerUnavailable(unreachable_reason(error)) from error
        self.needs_open = False

    def close(self):
        self._drop()

    def _drop(self):
        # A broken connection may fail to say goodbye.
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except Exception:
                with contextlib.suppress(Exception):
                    self.smtp.close()
            self.smtp = None
        with contextlib.suppress(Exception):
            self.connection.close()
        self.needs_open = True

    def send(self, message):
        if self.needs_open:
            self.open()  # again, after a dropped connection
        wire = self.precomposed(message) if self.precompose else None
        try:
            if wire is not None:
                self.smtp.sendmail(self.envelope_from, [message.to], wire)
            else:
                self.connection.send_messages([self.email_message(message)])
        except Exception as error:
            failure = classify(error)
            if breaks_connection(error):
                self._drop()
                if not isinstance(failure, ServerUnavailable):
                    # The connection broke under this message. If the server will not take a
                    # new one, it is down (or was stopped mid-message): ServerUnavailable, and
                    # this recipient is not charged. If it will, the trouble was this
                    # message's: charge it as usual.
                    self.open()
            raise failure from error

    def email_message(self, message):
        """The message as Django composes and sends it."""
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=self.from_email,
            to=[message.to],
            headers=message.headers,
            connection=self.connection,
        )
        email.attach_alternative(message.html, "text/html")
        return email

    def precomposed(self, message):
        """The message's bytes from its subject's skeleton, or None if it takes Django's path."""
        key = (message.subject, tuple(message.headers))
        if key not in self.skeletons:
            self.skeletons[key] = Skeleton(message.subject, self.from_email, list(message.headers))
        return self.skeletons[key].fill(message)

    def wire(self, message):
        """The message's bytes as they go out: precomposed, or as Django composes them."""
        wire = self.precomposed(message) if self.precompose else None
        return wire if wire is not None else self.email_message(message).message().as_bytes(linesep="\r\n")


def smtp_session():
    """An SMTP session opened as Django's SMTP back end opens one, from the same settings:
    EMAIL_HOST and EMAIL_PORT, EMAIL_TIMEOUT, EMAIL_USE_SSL or EMAIL_USE_TLS (with
    EMAIL_SSL_CERTFILE and EMAIL_SSL_KEYFILE), EMAIL_HOST_USER and EMAIL_HOST_PASSWORD."""
    use_ssl, use_tls = settings.EMAIL_USE_SSL, settings.EMAIL_USE_TLS
    params = {"local_hostname": DNS_NAME.get_fqdn()}
    if settings.EMAIL_TIMEOUT is not None:
        params["timeout"] = settings.EMAIL_TIMEOUT
    if use_ssl:
        params["context"] = ssl_context()
    smtp_class = smtplib.SMTP_SSL if use_ssl else smtplib.SMTP
    session = smtp_class(settings.EMAIL_HOST, settings.EMAIL_PORT, **params)
    try:
        if use_tls and not use_ssl:
            session.starttls(context=ssl_context())
        if settings.EMAIL_HOST_USER and settings.EMAIL_HOST_PASSWORD:
            session.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
    except BaseException:
        session.close()
        raise
    return session


def ssl_context():
    if settings.EMAIL_SSL_CERTFILE or settings.EMAIL_SSL_KEYFILE:
        context = ssl.SSLContext(protocol=ssl.PROTOCOL_TLS_CLIENT)
        context.load_cert_chain(settings.EMAIL_SSL_CERTFILE, settings.EMAIL_SSL_KEYFILE)
        return context
    return ssl.create_default_context()


def smtp_reply(code, text):
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return f"{code} {text}"


def classify(error):
    """ServerUnavailable, TemporaryFailure or PermanentFailure for an exception a Django email
    back end raised while sending one message."""
    # Anymail first: its API errors are also requests errors, which are OSErrors.
    if isinstance(error, AnymailRecipientsRefused | AnymailInvalidAddress):
        return PermanentFailure(f"recipient refused: {first_line(error)}")
    if isinstance(error, AnymailAPIError):
        status = error.status_code
        if status is None or status >= 500:
            return ServerUnavailable(f"ESP unreachable: {first_line(error)}")
        if status in (401, 403):
            return ServerUnavailable(f"ESP refused our credentials: {first_line(error)}")
        if status == 429:  # the account's rate, not this message
            return ServerUnavailable(f"ESP rate limit: {first_line(error)}")
        return PermanentFailure(f"ESP refused: {first_line(error)}")
    if closes_service(error):
        # 421, "service not available, closing transmission channel": the server's answer to
        # any command when it is shutting down or turning us away (too many connections, our
        # rate). It says nothing about the recipient, and a new session opened that moment may
        # well get in and be told the same: the send waits for the server.
        return ServerUnavailable(unreachable_reason(error))
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        described = "; ".join(smtp_reply(code, text) for code, text in replies)
        if all(400 <= code < 500 for code, _ in replies):
            return TemporaryFailure(f"recipient deferred: {described}")
        return PermanentFailure(f"recipient refused: {described}")
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError | smtplib.SMTPHeloError):
        # Our account, our name or our sender address: every message would fail alike.
        return ServerUnavailable(unreachable_reason(error))
    if isinstance(error, smtplib.SMTPResponseException):
        reply = smtp_reply(error.smtp_code, error.smtp_error)
        if 400 <= error.smtp_code < 500:
            return TemporaryFailure(f"server deferred: {reply}")
        return PermanentFailure(f"server refused: {reply}")
    if isinstance(error, OSError):  # SMTPServerDisconnected, a reset connection, a timeout
        return TemporaryFailure(f"connection failed: {error.__class__.__name__}: {error}")
    # Anything else is a defect that another try would repeat; recording it keeps a
    # send from retrying one bad message for ever.
    return PermanentFailure(f"{error.__class__.__name__}: {error}")


def unreachable_reason(error):
    """Why the server or ESP would not take our messages, in a few words for the send's page."""
    if isinstance(error, AnymailAPIError):
        return str(classify(error))
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"login refused: {smtp_reply(error.smtp_code, error.smtp_error)}"
    if isinstance(error, smtplib.SMTPHeloError):
        return f"greeting refused: {smtp_reply(error.smtp_code, error.smtp_error)}"
    if isinstance(error, smtplib.SMTPSenderRefused):
        return f"sender refused: {smtp_reply(error.smtp_code, error.smtp_error)}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):  # a 421 to RCPT
        replies = (smtp_reply(code, text) for code, text in error.recipients.values())
        return f"server answered {'; '.join(replies)}"
    if isinstance(error, smtplib.SMTPConnectError):
        return f"server refused the connection: {smtp_reply(error.smtp_code, error.smtp_error)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"server answered {smtp_reply(error.smtp_code, error.smtp_error)}"
    if isinstance(error, ssl.SSLError | smtplib.SMTPNotSupportedError):
        return f"TLS failed: {first_line(error)}"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, TimeoutError):  # socket.timeout is TimeoutError
        return "timed out"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"server disconnected: {first_line(error)}"
    return f"{error.__class__.__name__}: {first_line(error)}"


def closes_service(error):
    """A 421 reply, after which smtplib has hung up (to RCPT it comes as SMTPRecipientsRefused)."""
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code == 421 for code, _ in error.recipients.values())
    return False


def breaks_connection(error):
    """After these the SMTP session is gone or unusable: reconnect before the next message."""
    if closes_service(error):
        return True
    if isinstance(error, AnymailError):
        return False
    return isinstance(error, OSError)


def first_line(error):
    return str(error).splitlines()[0] if str(error) else error.__class__.__name__
