"""What readers did with a send: opens and clicks, bounces and complaints, unsubscribes.

A send's links are recorded when it is frozen (TrackedLink): the click redirect goes only
to them. Each open or click is one TrackingEvent, stored with whether it was judged a
machine's and why (newsletters.analytics.classify); the reports count unique deliveries,
so a reader who opens twice, or two requests that race, still count once.
"""

from django.db import models

from newsletters.models.issues import NewsletterPage
from newsletters.models.sending import Delivery, Send
from newsletters.models.subscriptions import Subscriber


class TrackedLink(models.Model):
    """One distinct link of a frozen send, numbered in the order it first appears."""

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="links")
    number = models.PositiveIntegerField()
    url = models.TextField()
    label = models.CharField(max_length=200, blank=True, help_text="The link's text where it first appears.")

    class Meta:
        ordering = ["send", "number"]
        constraints = [models.UniqueConstraint(fields=["send", "number"], name="one_tracked_link_per_number")]

    def __str__(self):
        return self.url


class TrackingEvent(models.Model):
    """One request for a delivery's open image or one of its click redirects."""

    class Kind(models.TextChoices):
        OPEN = "open", "Open"
        CLICK = "click", "Click"

    # Made by the request that saw the event: storing an event twice (a flush that runs
    # again after a crash) stores it once.
    event_id = models.UUIDField(unique=True)
    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="tracking_events")
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tracking_events")
    link = models.ForeignKey(
        TrackedLink, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    at = models.DateTimeField()
    machine = models.BooleanField(
        help_text="Judged a machine's (privacy proxy, scanner, prefetch), not a reader's."
    )
    reason = models.CharField(max_length=120, help_text="Why it was judged a machine's or a reader's.")
    method = models.CharField(max_length=7, default="GET")
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["send", "kind", "machine"], name="tracking_event_send_kind"),
            models.Index(fields=["delivery", "kind", "at"], name="tracking_event_delivery"),
        ]

    def __str__(self):
        return f"{self.kind} of delivery {self.delivery_id} ({self.reason})"


class DeliveryOutcome(models.Model):
    """A bounce or complaint an ESP reported, on the delivery it was about: the
    subscriber's latest delivery sent before the report."""

    class Kind(models.TextChoices):
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Complained"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField()
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["delivery", "kind"], name="one_outcome_per_kind")]

    def __str__(self):
        return f"{self.delivery_id} {self.kind}"


class Unsubscribe(models.Model):
    """A subscriber leaving a newsletter, with the send it is put down to: the latest issue
    of that newsletter they had been sent (none if they had been sent none)."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="unsubscribes")
    newsletter = models.ForeignKey(NewsletterPage, on_delete=models.CASCADE, related_name="unsubscribes")
    send = models.ForeignKey(
        Send, null=True, blank=True, on_delete=models.SET_NULL, related_name="unsubscribes"
    )
    at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=40)

    def __str__(self):
        return f"{self.subscriber_id} left {self.newsletter_id}"
