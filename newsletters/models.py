"""Newsletters, their issues (Wagtail pages), subscribers and per-recipient deliveries.

Tree: NewsletterIndexPage (/newsletters/, the sign-up page) holds one NewsletterPage per
newsletter (its description and web archive), which holds its NewsletterIssuePages.
Publishing an issue starts its Send: one Delivery row per confirmed subscriber, claimed in
batches by workers and marked sent one message at a time.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField

from core.models import BasePage, not_restricted
from core.pagination import page_or_404
from newsletters.blocks import IssueBodyBlock
from newsletters.feeds import IssueFeed
from newsletters.rendering import render_issue


class NewsletterIndexPage(BasePage):
    """Every newsletter on one page, with the sign-up form."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["blog.HomePage"]
    subpage_types = ["newsletters.NewsletterPage"]
    max_count = 1


class NewsletterPage(RoutablePageMixin, BasePage):
    """A newsletter readers subscribe to; its page is the web archive of its issues,
    newest first, with an RSS feed at feed/."""

    description = models.TextField(help_text="One or two sentences shown beside the sign-up checkbox.")
    cadence = models.CharField(max_length=60, blank=True, help_text='For example "Every weekday morning".')
    subscribe_by_default = models.BooleanField(
        default=False, help_text="Ticked in sign-up forms that do not name a newsletter."
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("description"),
        FieldPanel("cadence"),
        FieldPanel("subscribe_by_default"),
    ]
    parent_page_types = ["newsletters.NewsletterIndexPage"]
    subpage_types = ["newsletters.NewsletterIssuePage"]

    @property
    def listing_summary(self):
        return self.description

    def live_issues(self):
        """Published, public issues, newest first, without their bodies."""
        return (
            NewsletterIssuePage.objects.child_of(self)
            .live()
            .filter(not_restricted())
            .defer_streamfields()
            .order_by("-first_published_at", "-pk")
        )

    @property
    def feed_url(self):
        return self.url + self.reverse_subpage("feed")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.live_issues(), settings.NEWSLETTERS_ISSUES_PER_PAGE)
        context["issues"] = page_or_404(paginator, request.GET.get("page", "1"), "issues")
        context.update(self.signup_context())
        return context

    def signup_context(self):
        """What the sign-up box needs to subscribe to this newsletter alone."""
        return {"signup_heading": f"Get {self.title} by email, free", "signup_newsletter_ids": [self.pk]}

    @path("feed/", name="feed")
    def feed(self, request):
        return IssueFeed()(request, newsletter=self)


class NewsletterIssuePage(BasePage):
    """One issue: what the email says, and its page in the archive."""

    subject = models.CharField(max_length=200)
    preheader = models.CharField(
        max_length=200, blank=True, help_text="The grey line inboxes show after the subject."
    )
    body = StreamField(IssueBodyBlock())
    drafted_for = models.DateField(
        null=True, blank=True, editable=False, help_text="Set on briefings drafted from data for this day."
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("subject"),
        FieldPanel("preheader"),
        FieldPanel("body"),
    ]
    parent_page_types = ["newsletters.NewsletterPage"]
    subpage_types = []

    @property
    def listing_summary(self):
        return self.preheader

    @cached_property
    def newsletter(self):
        """The newsletter this issue belongs to (its parent page), in one query."""
        return NewsletterPage.objects.get(path=self.path[: (self.depth - 1) * self.steplen])

    @property
    def preview_modes(self):
        return [("", "Web page"), ("email", "Email"), ("text", "Plain-text email")]

    def serve_preview(self, request, mode_name):
        """The email as subscribers will get it; their own links are left as markers."""
        if mode_name not in ("email", "text"):
            return super().serve_preview(request, mode_name)
        rendered = render_issue(self, self.newsletter)
        if mode_name == "text":
            return HttpResponse(rendered.text, content_type="text/plain; charset=utf-8")
        return HttpResponse(rendered.html)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["newsletter"] = self.newsletter
        context.update(self.newsletter.signup_context())
        return context


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


class Send(models.Model):
    """Sending one issue to its newsletter's confirmed subscribers.

    The rendered subject and bodies are frozen when the send starts, so every recipient
    gets the same issue even if an editor changes the page while it goes out.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        PAUSED = "paused", "Paused"
        CANCELLED = "cancelled", "Cancelled"
        FINISHED = "finished", "Finished"

    ACTIVE = (Status.QUEUED, Status.SENDING)

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


class GradeAlert(models.Model):
    """The one grade-alert email a subscriber gets for a day's grades."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="grade_alerts")
    day = models.DateField()
    changes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscriber", "day"], name="one_grade_alert_per_day")]

    def __str__(self):
        return f"Grade alert for {self.subscriber} on {self.day}"
