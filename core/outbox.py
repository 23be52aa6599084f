"""The outbox: email a visitor asks for (a sign-up confirmation, a vote link, an API key
link) is kept in the database first and sent from there, so neither a broker nor a mail
server that is down can fail the visitor's request or lose the email.

Why not Celery's own retries? In production the broker is the same Redis as the cache:
when it is down, ``.delay()`` itself raises, before any task exists that could retry, and
a task whose mail server is down holds a worker while it waits between retries. So:

1. The request writes one ``OutboxEmail`` row (``send``): who it is for, which kind of
   email, and what that kind's composer needs. That insert is the request's only work,
   and it costs the same whatever the address is (newsletters must not tell, even by
   timing, whether an address is known).
2. Right after, it asks for a worker (``publish``). A broker that refuses or hangs
   gives up within about a second (CELERY_BROKER_CONNECTION_TIMEOUT and the broker's
   socket timeout in settings, one quick retry here); the failure is logged and the
   visitor gets the usual answer.
3. A worker claims the row, has the kind's composer write the email (once; the row keeps
   it) and sends it. Celery beat drains the outbox every OUTBOX_RETRY_SECONDS too, so
   rows whose publish failed, or whose mail server was down, go out once both are back.

A claim is one conditional UPDATE (due and pending -> not due until the claim ends, one
more attempt) that commits before any mail goes out: of two workers draining at once,
exactly one changes the row and sends it. Nothing is locked while the SMTP server
talks, the same statement works on PostgreSQL and SQLite (``make run``), and a worker
that dies mid-send leaves a claim that ends after OUTBOX_CLAIM_SECONDS, when another
takes the row over. (Only a worker killed between the server's acceptance and marking
the row sent can make one email go out twice.)

A temporary failure (server down, 4xx) backs off, doubling from OUTBOX_RETRY_SECONDS up
to OUTBOX_MAX_BACKOFF_SECONDS, for up to OUTBOX_MAX_ATTEMPTS attempts; a permanent one
(5xx for this recipient) fails the row at once. A composer that finds nothing to send
(a suppressed address) drops it. Finished rows are deleted after OUTBOX_KEEP_DAYS: they
hold email addresses. Operators see waiting and failed rows, and retry them, in the
admin (Settings > Outbox).
"""

import contextlib
import logging
import smtplib
import time
from dataclasses import dataclass, field
from datetime import timedelta

from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F
from django.utils import timezone

from core.models import OutboxEmail

logger = logging.getLogger(__name__)
Status = OutboxEmail.Status

# One quick retry, for a pooled connection the broker has closed; no more, a visitor waits.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}
# After a failed publish, this process leaves rows to the drain for this many seconds
# without trying the broker: during an outage a visitor waits for it at most once per
# process and interval, and the log says so once, not once per request.
BROKER_RETRY_SECONDS = 5.0


class BrokerState:
    """Whether this process last found the broker down, and until when it will not try."""

    down_until = None  # a time.monotonic() value while the broker is taken as down

    @classmethod
    def skipping(cls):
        return cls.down_until is not None and time.monotonic() < cls.down_until

    @classmethod
    def failed(cls, error):
        if cls.down_until is None:
            logger.warning("Celery broker unreachable (%s); outbox emails wait for the drain", error)
        cls.down_until = time.monotonic() + BROKER_RETRY_SECONDS

    @classmethod
    def succeeded(cls):
        if cls.down_until is not None:
            logger.warning("Celery broker reachable again; outbox emails are queued at once")
        cls.down_until = None
DRAIN_BATCH = 200  # rows one drain looks at; the next drain takes the rest


@dataclass(frozen=True)
class Email:
    """What a composer writes: the message, without its recipient."""

    subject: str
    text: str
    html: str = ""
    headers: dict = field(default_factory=dict)


class ComposerRegistry:
    """Kinds of email and the functions that write them, registered by the apps that own
    them in ``AppConfig.ready()``: ``compose(to, **params)`` returns an Email, or None
    when there is nothing to send after all."""

    def __init__(self):
        self._composers = {}

    def register(self, kind, compose):
        if kind in self._composers:
            raise ValueError(f"An outbox composer for {kind!r} is registered already.")
        self._composers[kind] = compose

    def compose(self, kind, to, params):
        try:
            compose = self._composers[kind]
        except KeyError:
            raise PermanentFailure(f"no composer for {kind!r}") from None
        return compose(to, **params)


composers = ComposerRegistry()


class DeliveryFailure(Exception):
    """Why an email was not sent; ``server`` when it is the mail server's state (down,
    busy, refusing our account) rather than anything about this email."""

    def __init__(self, message, server=False):
        super().__init__(message)
        self.server = server


class TemporaryFailure(DeliveryFailure):
    """Another try later may work: the server is down or busy, or said 4xx."""


class PermanentFailure(DeliveryFailure):
    """Another try would fail the same way: the server refused this recipient or message,
    or the email could not be composed."""


def send(kind, to, **params):
    """Keep an email of ``kind`` for ``to`` in the outbox and ask a worker to send it now.

    Returns at once (see ``publish``), whatever state the broker and mail server are in;
    ``params`` must be JSON (they wait in the database).
    """
    email = OutboxEmail.objects.create(kind=kind, to=to, params=params, next_attempt_at=timezone.now())
    publish(email.pk)
    return email


def publish(pk):
    """Queue the task that sends outbox email ``pk``; if the broker is unreachable, log it
    and leave the row to the next drain.

    Called right after the row is written rather than through ``transaction.on_commit``:
    the row is the request's only write and views run in autocommit, so it is committed
    by then (and an eager task in a test's wrapping transaction still sees it). A caller
    inside a transaction of its own may have a worker look too early: that worker finds
    nothing to claim, and the drain sends the row once it is committed.
    """
    from core.tasks import send_outbox_email  # the tasks module imports this one

    if BrokerState.skipping():
        return
    try:
        send_outbox_email.apply_async((pk,), retry_policy=PUBLISH_RETRY_POLICY)
    except Exception as error:  # noqa: BLE001 - any broker failure; the row is safe either way
        BrokerState.failed(error)
    else:
        BrokerState.succeeded()


def send_one(pk):
    """Send outbox email ``pk`` if it is still due; what the on-request task does."""
    email = claim(pk)
    if email is None:
        return
    connection = get_connection()
    try:
        deliver(email, connection)
    finally:
        close_quietly(connection)


def drain(limit=DRAIN_BATCH):
    """Send what is due, oldest first, over one connection. Stops at the first failure
    that is the server's rather than a recipient's: the rest wait for the next drain
    instead of each waiting out the same dead server. Returns the number sent."""
    now = timezone.now()
    due = list(
        OutboxEmail.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    connection = get_connection()
    try:
        for pk in due:
            email = claim(pk)
            if email is None:  # another worker has it
                continue
            outcome = deliver(email, connection)
            if outcome is Status.SENT:
                sent += 1
            elif isinstance(outcome, DeliveryFailure) and outcome.server:
                break
    finally:
        close_quietly(connection)
    return sent


def claim(pk, now=None):
    """Take outbox email ``pk`` for one attempt, or None if it is not due or another worker
    took it first: one UPDATE, so exactly one of two racing workers gets it."""
    now = now or timezone.now()
    claimed = OutboxEmail.objects.filter(pk=pk, status=Status.PENDING, next_attempt_at__lte=now).update(
        next_attempt_at=now + timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS),
        attempts=F("attempts") + 1,
    )
    return OutboxEmail.objects.get(pk=pk) if claimed else None


def deliver(email, connection):
    """Compose (once) and send a claimed row over ``connection`` (opened here if it is not
    open yet, and left open for the next); record the outcome on the row and return it:
    Status.SENT, Status.DROPPED or the DeliveryFailure. Nothing escapes."""
    try:
        if not email.composed and not compose(email):
            return Status.DROPPED
        connection.open()
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
            headers=email.headers,
            connection=connection,
        )
        if email.html:
            message.attach_alternative(email.html, "text/html")
        message.send()
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the row
        failure = error if isinstance(error, DeliveryFailure) else classify(error)
        record_failure(email, failure)
        if failure.server:
            close_quietly(connection)  # the next send opens a fresh one
        return failure
    finish(email, Status.SENT)
    return Status.SENT


def compose(email):
    """Have the kind's composer write the email and keep it on the row; False (and the
    row dropped) when there is nothing to send."""
    try:
        composed = composers.compose(email.kind, email.to, email.params)
    except DeliveryFailure:
        raise
    except Exception as error:
        # What it needs is gone (a deleted nominee) or a defect: another try would repeat
        # it. An operator can retry once it is fixed.
        logger.exception("Outbox email %s (%s) could not be composed", email.pk, email.kind)
        raise PermanentFailure(f"could not compose it: {error.__class__.__name__}: {error}") from error
    if composed is None:
        finish(email, Status.DROPPED)
        return False
    email.subject, email.text, email.html = composed.subject, composed.text, composed.html
    email.headers, email.composed = dict(composed.headers), True
    email.save(update_fields=["subject", "text", "html", "headers", "composed"])
    return True


def close_quietly(connection):
    with contextlib.suppress(Exception):  # a dead connection may fail to say goodbye
        connection.close()


def finish(email, status, error=""):
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=status, finished_at=timezone.now(), last_error=error[:2000]
    )


def record_failure(email, failure):
    error = str(failure)[:2000]
    if isinstance(failure, PermanentFailure):
        finish(email, Status.FAILED, error)
        logger.warning("Outbox email %s to %s failed: %s", email.pk, email.to, error)
    elif email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        finish(email, Status.FAILED, f"gave up after {email.attempts} attempts: {error}")
        logger.warning("Outbox email %s to %s given up: %s", email.pk, email.to, error)
    else:
        OutboxEmail.objects.filter(pk=email.pk).update(
            next_attempt_at=timezone.now() + backoff(email.attempts), last_error=error
        )
        logger.info("Outbox email %s to %s will be retried: %s", email.pk, email.to, error)


def backoff(attempts):
    """How long after failed attempt number ``attempts`` to try again."""
    seconds = settings.OUTBOX_RETRY_SECONDS * 2 ** min(attempts - 1, 20)
    return timedelta(seconds=min(seconds, settings.OUTBOX_MAX_BACKOFF_SECONDS))


def classify(error):
    """TemporaryFailure or PermanentFailure for what an email back end raised; each says
    whether it is the server's state (``server``) or about this email alone."""
    if isinstance(error, AnymailRecipientsRefused | AnymailInvalidAddress):
        return PermanentFailure(f"recipient refused: {error}")
    if isinstance(error, AnymailAPIError):
        if error.status_code is None or error.status_code == 429 or error.status_code >= 500:
            return TemporaryFailure(f"email service unavailable: {error}", server=True)
        return PermanentFailure(f"email service refused: {error}")
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = "; ".join(f"{code} {reply_text(text)}" for code, text in error.recipients.values())
        if all(400 <= code < 500 for code, _ in error.recipients.values()):
            return TemporaryFailure(f"recipient deferred: {replies}")
        return PermanentFailure(f"recipient refused: {replies}")
    if isinstance(error, smtplib.SMTPResponseException):
        reply = f"{error.smtp_code} {reply_text(error.smtp_error)}"
        if isinstance(error, smtplib.SMTPAuthenticationError | smtplib.SMTPSenderRefused):
            # Our account or sender address: every email fails alike until an operator
            # fixes it, so wait rather than fail them all.
            return TemporaryFailure(f"server refused the sender: {reply}", server=True)
        if 400 <= error.smtp_code < 500:
            return TemporaryFailure(f"server deferred: {reply}", server=True)
        return PermanentFailure(f"server refused: {reply}")
    # A refused or dropped connection, a timeout, anything unforeseen: try again later,
    # until OUTBOX_MAX_ATTEMPTS.
    return TemporaryFailure(f"{error.__class__.__name__}: {error}", server=True)


def reply_text(text):
    return text.decode(errors="replace") if isinstance(text, bytes) else str(text)


def retry_now(pks):
    """Make waiting or failed rows due at once, with a fresh count of attempts, and ask a
    worker to drain. Returns how many rows were made due."""
    count = OutboxEmail.objects.filter(pk__in=pks, status__in=[Status.PENDING, Status.FAILED]).update(
        status=Status.PENDING, next_attempt_at=timezone.now(), attempts=0, finished_at=None
    )
    if count:
        from core.tasks import drain_outbox

        try:
            drain_outbox.apply_async(retry_policy=PUBLISH_RETRY_POLICY)
        except Exception as error:  # noqa: BLE001 - the rows are due; beat drains them later
            logger.warning("Outbox drain not queued: broker unavailable (%s)", error)
    return count


def prune(now=None):
    """Delete rows finished more than OUTBOX_KEEP_DAYS ago; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    deleted, _ = OutboxEmail.objects.filter(finished_at__lt=cutoff).delete()
    return deleted
