"""What went out: an issue's Send with one Delivery row per recipient, and grade alerts.

Publishing an issue starts its Send: one Delivery row per confirmed subscriber, claimed in
batches by workers and marked sent one message at a time. A mail outage holds the whole
Send (WAITING) and tries again later without charging any Delivery an attempt.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from newsletters.models.issues import NewsletterIssuePage
from newsletters.models.subscriptions import Subscriber


class Send(models.Model):
    """Sending one issue to its newsletter's confirmed subscribers.

    The rendered subject and bodies are frozen when the send starts, so every recipient
    gets the same issue even if an editor changes the page while it goes out.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        PAUSED = "paused", "Paused"
        # Workers found the mail server unreachable; it tries again at next_try_at on its own.
        WAITING = "waiting", "Paused: mail server unreachable"
        CANCELLED = "cancelled", "Cancelled"
        FINISHED = "finished", "Finished"

    ACTIVE = (Status.QUEUED, Status.SENDING, Status.WAITING)

    issue = models.OneToOneField(NewsletterIssuePage, on_delete=models.PROTECT, related_name="send")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=200)
    html = models.TextField()
    text = models.TextField()
    recipients = models.PositiveIntegerField(default=0, help_text="Deliveries created when the send started.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The current mail outage, kept until a message goes out again.
    outage_reason = models.CharField(max_length=500, blank=True)
    outage_since = models.DateTimeField(
        null=True, blank=True, help_text="When workers first found the mail server unreachable."
    )
    outage_tries = models.PositiveSmallIntegerField(
        default=0, help_text="Tries that found the mail server unreachable: the back-off doubles with each."
    )
    next_try_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Send of {self.subject}"


class Delivery(models.Model):
    """One recipient of one send; SENT is final and never sent again."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CLAIMED = "claimed", "Claimed by a worker"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Suppressed"
        CANCELLED = "cancelled", "Cancelled"

    UNFINISHED = (Status.PENDING, Status.CLAIMED)

    class Failure(models.TextChoices):
        """Why a FAILED delivery failed: only GAVE_UP is worth a moderator's "retry failed"."""

        GAVE_UP = "gave_up", "Gave up after temporary failures"
        REFUSED = "refused", "Refused for good"

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="A claim past this time belongs to a worker that died: reclaimable."
    )
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    failure = models.CharField(max_length=10, choices=Failure.choices, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["send", "subscriber"], name="one_delivery_per_issue_and_subscriber"
            )
        ]
        indexes = [
            models.Index(
                fields=["send", "id"],
                condition=Q(status__in=["pending", "claimed"]),
                name="delivery_unfinished",
            )
        ]

    def __str__(self):
        return f"{self.send} to {self.subscriber}"


class GradeAlertDay(models.Model):
    """Where one graded day's alerts stand. PENDING until every subscriber whose follows
    triggered has been mailed; a run that meets a mail outage leaves the day PENDING with
    its error and a time for the next try, and beat retries it then (back-off doubling
    from NEWSLETTERS_ALERT_RETRY_SECONDS up to NEWSLETTERS_ALERT_RETRY_MAX_SECONDS).
    SENDING is a run's claim on the day, taken under a row lock, so two workers never run
    the same day at once; a claim past ``claimed_until`` belongs to a run that died."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    day = models.DateField(unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    alerts_sent = models.PositiveIntegerField(default=0, help_text="Emails sent for the day so far.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day"]

    def __str__(self):
        return f"Grade alerts for {self.day}: {self.status}"


class GradeAlert(models.Model):
    """The one grade-alert email a subscriber gets for a day's grades. A row without
    ``sent_at`` but with an ``error`` was refused for good (e.g. no such mailbox)."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="grade_alerts")
    day = models.DateField()
    changes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscriber", "day"], name="one_grade_alert_per_day")]

    def __str__(self):
        return f"Grade alert for {self.subscriber} on {self.day}"
