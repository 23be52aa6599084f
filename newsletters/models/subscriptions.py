"""Subscribers, what they subscribe to and which tokens' grades they follow."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from newsletters.models.issues import NewsletterPage


class Subscriber(models.Model):
    """One email address and where it stands; bounced and complained addresses are never mailed."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Complained"

    SUPPRESSED = (Status.BOUNCED, Status.COMPLAINED)

    email = models.EmailField(max_length=254, unique=True, help_text="Stored lower-cased.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    status_reason = models.CharField(max_length=255, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True, help_text="Keyed hash of the sign-up IP.")

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    @property
    def is_suppressed(self):
        return self.status in self.SUPPRESSED

    def set_status(self, status, reason=""):
        self.status = status
        self.status_reason = reason[:255]
        self.status_changed_at = timezone.now()
        if status == self.Status.CONFIRMED and self.confirmed_at is None:
            self.confirmed_at = self.status_changed_at


class Subscription(models.Model):
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    newsletter = models.ForeignKey(NewsletterPage, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "newsletter"], name="one_subscription_per_newsletter"
            )
        ]

    def __str__(self):
        return f"{self.subscriber} to {self.newsletter}"


class TokenFollow(models.Model):
    """A subscriber's grade alert on one token: a move of at least ``min_change`` points,
    or a crossing of ``level``, in the chosen grade sends one email that day."""

    class Grade(models.TextChoices):
        TRADER = "trader", "Trader Grade"
        INVESTOR = "investor", "Investor Grade"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="follows")
    token = models.ForeignKey("ratings.Token", on_delete=models.CASCADE, related_name="followers")
    grade = models.CharField(max_length=10, choices=Grade.choices, default=Grade.TRADER)
    min_change = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Points of change in a day that trigger an alert."
    )
    level = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Alert when the grade crosses it."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "token", "grade"], name="one_follow_per_token_grade"
            ),
            models.CheckConstraint(
                condition=Q(min_change__isnull=False) | Q(level__isnull=False), name="follow_has_a_trigger"
            ),
            models.CheckConstraint(
                condition=Q(min_change__gte=1, min_change__lte=100) | Q(min_change=None),
                name="follow_min_change_in_range",
            ),
            models.CheckConstraint(condition=Q(level__lte=100) | Q(level=None), name="follow_level_in_range"),
        ]

    def __str__(self):
        return f"{self.subscriber} follows {self.token}"
