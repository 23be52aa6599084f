"""Award programs, their categories and nominees, and the votes cast for them.

A vote row exists only once its email address is proven: the signed link in the
confirmation email carries the ballot, and confirming on the page it opens inserts the
row. The partial unique constraint on counted votes is what makes "one counted vote per
voter per category" hold under concurrent confirmations; `awards.voting` relies on it.
A voter is a mailbox (core.fingerprints.mailbox): ada+1@gmail.com and a.da@gmail.com are
one voter.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from core.caching import invalidate_on_change


@invalidate_on_change
class Program(index.Indexed, models.Model):
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    intro = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("title"), FieldPanel("slug"), FieldPanel("intro")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["-created_at", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("awards:program", kwargs={"program": self.slug})


@invalidate_on_change
class Category(index.Indexed, ClusterableModel):
    class Results(models.TextChoices):
        LIVE = "live", "Live while voting is open"
        AFTER_CLOSE = "after_close", "Hidden until voting closes"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="categories")
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    description = models.TextField(blank=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    results_policy = models.CharField(max_length=20, choices=Results.choices, default=Results.LIVE)
    allow_change = models.BooleanField(
        default=False, help_text="A voter may confirm a new vote that replaces their earlier one."
    )
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")

    panels = [
        FieldPanel("program"),
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldPanel("results_policy"),
                FieldPanel("allow_change"),
            ],
            heading="Voting",
        ),
        FieldPanel("sort_order"),
        InlinePanel("nominees", heading="Nominees", min_num=2),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["program", "sort_order", "title"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["program", "slug"], name="awards_category_slug_per_program"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="awards_category_window_order"
            ),
        ]

    def __str__(self):
        return f"{self.program.title}: {self.title}" if self.program_id else self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "Voting must close after it opens."})

    def get_absolute_url(self):
        return reverse("awards:category", kwargs={"program": self.program.slug, "category": self.slug})

    def get_results_url(self):
        return reverse("awards:results", kwargs={"program": self.program.slug, "category": self.slug})

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def has_closed(self, now=None):
        return (now or timezone.now()) >= self.closes_at

    def results_visible(self, now=None):
        return self.results_policy == self.Results.LIVE or self.has_closed(now)


@invalidate_on_change
class Nominee(Orderable):
    category = ParentalKey(Category, on_delete=models.CASCADE, related_name="nominees")
    name = models.CharField(max_length=120)
    blurb = models.TextField(blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [FieldPanel("name"), FieldPanel("blurb"), FieldPanel("logo")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            NomineeTally.objects.get_or_create(nominee=self)


class NomineeTally(models.Model):
    """Counted votes per nominee, kept in step with votes inside the same transaction.

    Results read these few rows instead of counting a million votes; `awards.voting`
    is the only writer, and `recount()` rebuilds them from the votes.
    """

    nominee = models.OneToOneField(Nominee, on_delete=models.CASCADE, primary_key=True, related_name="tally")
    count = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.nominee}: {self.count}"


class CountedVotes(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(voided_at__isnull=True, replaced_at__isnull=True)


class Vote(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="votes")
    # Every index costs each confirmation a write: the counted-by-nominee index below serves
    # the nominee lookups that matter, and no query needs LIKE (so no *_like indexes).
    nominee = models.ForeignKey(Nominee, on_delete=models.PROTECT, related_name="votes", db_index=False)
    email = models.EmailField(help_text="Proven by following the signed link.")
    # Votes confirmed before this column existed keep their email here (lower-cased, not
    # folded), so a voter who voted as a.da@gmail.com then may vote once more as ada@gmail.com.
    voter = models.CharField(
        max_length=254, help_text="The mailbox the email reaches: one counted vote per voter and category."
    )
    email_domain = models.CharField(max_length=255)
    token = models.CharField(max_length=32, help_text="The link's nonce: one row per link.")
    requested_at = models.DateTimeField(help_text="When the voter asked for the link.")
    confirmed_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_hash = models.CharField(max_length=64, help_text="Keyed hash of the voter's IP.")
    user_agent_hash = models.CharField(max_length=64, help_text="Keyed hash of the voter's browser.")
    replaced_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=255, blank=True)

    objects = models.Manager()
    counted = CountedVotes()

    class Meta:
        ordering = ["-confirmed_at"]
        permissions = [("void_vote", "Can void votes")]
        constraints = [
            models.UniqueConstraint(fields=["token"], name="awards_vote_token_unique"),
            models.UniqueConstraint(
                fields=["category", "voter"],
                condition=Q(voided_at__isnull=True, replaced_at__isnull=True),
                name="awards_one_counted_vote_per_voter",
            ),
        ]
        indexes = [
            models.Index(fields=["ip_hash"], name="awards_vote_ip_hash"),
            models.Index(fields=["email_domain"], name="awards_vote_email_domain"),
            models.Index(
                fields=["nominee"],
                condition=Q(voided_at__isnull=True, replaced_at__isnull=True),
                name="awards_counted_by_nominee",
            ),
        ]

    def __str__(self):
        return f"{self.email_domain} → {self.nominee_id} ({self.status})"

    @property
    def status(self):
        if self.voided_at:
            return "voided"
        if self.replaced_at:
            return "replaced"
        return "counted"


class VoidRecord(models.Model):
    """The audit log: one row for every vote a moderator voided, and why."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="void_records")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=255)
    selection = models.CharField(
        max_length=500, help_text='How the vote was picked: "one vote" or the filter used.'
    )
    batch = models.UUIDField(help_text="Votes voided together share a batch.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Vote {self.vote_id} voided: {self.reason}"
