"""Sponsorships: sponsors, the packages they book, campaigns in slots, and the creatives
that run in them once a moderator approves them; plus our own promotions for empty slots,
the About box, and the counts a campaign's report is made of.

Slots are named in core.promotions: ``site_banner`` and ``article`` on the web,
``newsletter_top`` and ``newsletter_middle`` in newsletter issues.
"""

import secrets

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.search import index

from core.caching import invalidate_on_change


class Slot(models.TextChoices):
    SITE_BANNER = "site_banner", "Site-wide banner"
    ARTICLE = "article", "Article pages"
    NEWSLETTER_TOP = "newsletter_top", "Top of newsletter issues"
    NEWSLETTER_MIDDLE = "newsletter_middle", "Middle of newsletter issues"


WEB_SLOTS = (Slot.SITE_BANNER, Slot.ARTICLE)
NEWSLETTER_SLOTS = (Slot.NEWSLETTER_TOP, Slot.NEWSLETTER_MIDDLE)


class SlotChoiceMixin(models.Model):
    """Which slots a campaign books or a promotion may fill: one flag per slot."""

    in_site_banner = models.BooleanField("Site-wide banner", default=False)
    in_article = models.BooleanField("Article pages", default=False)
    in_newsletter_top = models.BooleanField("Top of newsletter issues", default=False)
    in_newsletter_middle = models.BooleanField("Middle of newsletter issues", default=False)

    slot_panel = MultiFieldPanel(
        [
            FieldRowPanel([FieldPanel("in_site_banner"), FieldPanel("in_article")]),
            FieldRowPanel([FieldPanel("in_newsletter_top"), FieldPanel("in_newsletter_middle")]),
        ],
        heading="Slots",
    )

    class Meta:
        abstract = True

    @staticmethod
    def slot_filter(slot):
        return Q(**{f"in_{slot}": True})

    @property
    def slots(self):
        return [slot for slot in Slot if getattr(self, f"in_{slot.value}")]

    def slot_labels(self):
        return ", ".join(slot.label for slot in self.slots) or "None"

    slot_labels.short_description = "Slots"

    def clean(self):
        super().clean()
        if not self.slots:
            raise ValidationError("Choose at least one slot.")


@invalidate_on_change
class Package(models.Model):
    """What a sponsor books: Platinum, Gold and Silver to start with (migration 0002). The
    media kit (/advertise/) shows them, so their saves start a new cache generation."""

    name = models.CharField(max_length=60, unique=True)
    includes = models.TextField(help_text="What the package includes, one item per line.")
    price = models.DecimalField(max_digits=10, decimal_places=2, help_text="In US dollars.")
    duration_days = models.PositiveSmallIntegerField(help_text="How many days a campaign of it runs.")
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first in lists.")

    panels = [
        FieldPanel("name"),
        FieldPanel("includes"),
        FieldRowPanel([FieldPanel("price"), FieldPanel("duration_days")]),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def included_items(self):
        return [line.strip() for line in self.includes.splitlines() if line.strip()]


@invalidate_on_change
class Sponsor(index.Indexed, models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, help_text="Its page: /sponsors/<slug>/.")
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    site = models.URLField("Web site", blank=True)
    contact_name = models.CharField(max_length=120, blank=True)
    contact_email = models.EmailField(blank=True)
    disclosure = models.CharField(
        max_length=200,
        help_text='Shown beside every placement, after "Sponsored", e.g. "Paid placement by Acme Labs".',
    )
    token = models.ForeignKey(
        "ratings.Token",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsors",
        help_text="The sponsor's own token, if it has one: its page says the project is a sponsor.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("logo"),
        FieldPanel("site"),
        FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_email")]),
        FieldPanel("disclosure"),
        FieldPanel("token"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sponsors:sponsor", kwargs={"slug": self.slug})


class CampaignQuerySet(models.QuerySet):
    def running_on(self, day):
        return self.filter(starts_on__lte=day, ends_on__gte=day)


@invalidate_on_change
class Campaign(SlotChoiceMixin, index.Indexed, models.Model):
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="campaigns")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day it runs (inclusive).")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    panels = [
        FieldPanel("sponsor"),
        FieldPanel("package"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
        SlotChoiceMixin.slot_panel,
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="sponsors_campaign_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.sponsor}: {self.name}"

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "A campaign cannot end before it starts."
        if not self.slots:
            errors[NON_FIELD_ERRORS] = "Choose at least one slot."
        if errors:
            raise ValidationError(errors)

    def is_running(self, day=None):
        day = day or timezone.localdate()
        return self.starts_on <= day <= self.ends_on


class CreativeQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(approved_at__isnull=False)

    def awaiting_approval(self):
        return self.filter(approved_at__isnull=True)


@invalidate_on_change
class Creative(index.Indexed, models.Model):
    """What runs in a campaign's slots: a banner or tailored copy. It runs only once a
    moderator has approved it; changing an approved one sends it back for approval."""

    class Kind(models.TextChoices):
        BANNER = "banner", "Banner (image, alt text, link)"
        COPY = "copy", "Tailored copy (headline, short text, link)"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="creatives")
    name = models.CharField(max_length=120, help_text="For the admin and the report.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    alt_text = models.CharField(max_length=200, blank=True, help_text="What the banner says (screen readers)")
    headline = models.CharField(max_length=90, blank=True)
    text = models.TextField(max_length=280, blank=True, help_text="At most 280 characters.")
    link = models.URLField(max_length=500, help_text="Where a click goes (only here: no other address).")
    link_text = models.CharField(max_length=40, blank=True, default="Learn more")
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = CreativeQuerySet.as_manager()

    # A change to any of these sends an approved creative back for approval.
    CONTENT_FIELDS = ("campaign_id", "kind", "image_id", "alt_text", "headline", "text", "link", "link_text")

    panels = [
        FieldPanel("campaign"),
        FieldPanel("name"),
        FieldPanel("kind"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("alt_text")], heading="Banner"),
        MultiFieldPanel([FieldPanel("headline"), FieldPanel("text")], heading="Tailored copy"),
        FieldRowPanel([FieldPanel("link"), FieldPanel("link_text")]),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("headline"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        ordering = ["-updated_at"]
        permissions = [("approve_creative", "Can approve creatives to run")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.pk and self.approved_at is not None and kwargs.get("update_fields") is None:
            before = Creative.objects.filter(pk=self.pk).values(*self.CONTENT_FIELDS).first()
            if before is not None and any(before[f] != getattr(self, f) for f in self.CONTENT_FIELDS):
                self.approved_at = None
                self.approved_by = None
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == self.Kind.BANNER:
            if not self.image_id:
                errors["image"] = "A banner needs an image."
            if not self.alt_text.strip():
                errors["alt_text"] = "A banner needs alt text that says what it shows."
        elif self.kind == self.Kind.COPY:
            if not self.headline.strip():
                errors["headline"] = "Tailored copy needs a headline."
            if not self.text.strip():
                errors["text"] = "Tailored copy needs a short text."
        if errors:
            raise ValidationError(errors)

    @property
    def is_approved(self):
        return self.approved_at is not None

    def status(self):
        return "Approved" if self.is_approved else "Awaiting approval"

    def approve(self, user):
        self.approved_at = timezone.now()
        self.approved_by = user
        self.save(update_fields=["approved_at", "approved_by", "updated_at"])


@invalidate_on_change
class HousePromotion(SlotChoiceMixin, models.Model):
    """One of our own promotions, for a slot no campaign fills. Never labelled sponsored."""

    class Kind(models.TextChoices):
        COPY = "copy", "Headline, text and a button"
        SIGNUP = "signup", "The newsletter sign-up box (web slots only)"

    name = models.CharField(max_length=120, help_text="For the admin.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COPY)
    headline = models.CharField(max_length=90, blank=True)
    text = models.TextField(max_length=280, blank=True)
    link = models.CharField(max_length=500, blank=True, help_text="A path here (/api/keys/) or a full URL.")
    link_text = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("headline"),
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("link"), FieldPanel("link_text")]),
        SlotChoiceMixin.slot_panel,
        FieldPanel("active"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.kind == self.Kind.COPY:
            missing = {f: "Needed for this kind of promotion." for f in ("headline", "link", "link_text")
                       if not getattr(self, f).strip()}
            if missing:
                raise ValidationError(missing)
        elif self.in_newsletter_top or self.in_newsletter_middle:
            raise ValidationError("Newsletter readers are subscribed already: the box is for web slots.")
        if self.link and not (self.link.startswith("/") and not self.link.startswith("//")) and not (
            self.link.startswith("https://") or self.link.startswith("http://")
        ):
            raise ValidationError({"link": "Use a path on this site (/api/keys/) or a full http(s) URL."})


@invalidate_on_change
@register_setting(icon="info-circle")
class AboutBox(BaseGenericSetting):
    """The "About" box under every article."""

    heading = models.CharField(max_length=80, default="About Token Research")
    body = RichTextField(features=["bold", "italic", "link"], blank=True)
    show = models.BooleanField("Show on article pages", default=True)

    panels = [FieldPanel("heading"), FieldPanel("body"), FieldPanel("show")]

    class Meta:
        verbose_name = "About box"


class SendPlacement(models.Model):
    """A newsletter send that carried a creative in a slot, recorded when the send starts
    (its content is frozen then): its deliveries are the creative's newsletter impressions."""

    send = models.ForeignKey("newsletters.Send", on_delete=models.CASCADE, related_name="+")
    creative = models.ForeignKey(Creative, on_delete=models.CASCADE, related_name="send_placements")
    slot = models.CharField(max_length=20, choices=Slot.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["send", "creative", "slot"], name="sponsors_one_placement_per_send_slot"
            )
        ]

    def __str__(self):
        return f"{self.creative} in {self.get_slot_display()} of send {self.send_id}"


class DailyCount(models.Model):
    """Site impressions (tracking pixel) and clicks (redirect) of a creative in a slot on a
    day, added to by the flush of the Redis counters (sponsors.counting)."""

    creative = models.ForeignKey(Creative, on_delete=models.CASCADE, related_name="daily_counts")
    slot = models.CharField(max_length=20, choices=Slot.choices)
    day = models.DateField()
    impressions = models.PositiveBigIntegerField(default=0)
    clicks = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["creative", "slot", "day"], name="sponsors_one_count_per_day")
        ]

    def __str__(self):
        return f"{self.creative} in {self.get_slot_display()} on {self.day}"


class AppliedBatch(models.Model):
    """A batch of Redis counters already added to DailyCount: applying it again adds nothing."""

    batch = models.CharField(max_length=64, unique=True)
    applied_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.batch


def new_nonce():
    return secrets.token_hex(16)


class ReportLink(models.Model):
    """A private link to a campaign's report for the sponsor, who has no account: signed,
    it expires, and it can be revoked before then."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="report_links")
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Report link for {self.campaign}"

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()
