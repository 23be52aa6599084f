"""What every page shares: the abstract base page with its meta fallback chain, the
site's SEO settings, and the routing a site's root page does for every page below it."""

import copy

from django.core.cache import cache
from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Value
from django.db.models.lookups import StartsWith
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page, PageViewRestriction, Site

from core.caching import (
    GenerationMemo,
    forget_after_outage,
    generation_for,
    invalidate_on_change,
    request_generation,
)

SETTINGS_SECONDS = 60 * 60


@invalidate_on_change
@register_setting(icon="site")
class SeoSettings(BaseSiteSetting):
    """Site-wide defaults for meta tags, used when a page says nothing itself."""

    default_description = models.TextField(
        blank=True, help_text="Used when a page has no search description or summary."
    )
    default_social_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    twitter_handle = models.CharField(max_length=30, blank=True, help_text="Without the @.")
    organisation_name = models.CharField(max_length=100, default="Token Research")

    panels = [
        FieldPanel("organisation_name"),
        FieldPanel("default_description"),
        FieldPanel("default_social_image"),
        FieldPanel("twitter_handle"),
    ]

    class Meta:
        verbose_name = "SEO and social defaults"

    @staticmethod
    def cache_key(site_id):
        return f"seo-settings:{site_id}"

    @classmethod
    def for_request(cls, request):
        """Per-site settings from the cache, so pages render without a query for them.

        Kept apart from the generation, so a publish does not cost every page a query for
        them; their own save or delete drops them (and starts a generation).
        """
        site = Site.find_for_request(request)
        if site is None:
            return cls()
        key = cls.cache_key(site.pk)
        settings = cache.get(key)
        if settings is None:
            settings = cls.objects.select_related("default_social_image").filter(site=site).first()
            # Unsaved defaults: a reader's request writes nothing (and starts no generation).
            settings = settings or cls(site=site)
            cache.set(key, settings, SETTINGS_SECONDS)
        return settings


@receiver([post_save, post_delete], sender=SeoSettings)
def forget_cached_seo_settings(sender, instance, **kwargs):
    cache.delete(SeoSettings.cache_key(instance.site_id))


@forget_after_outage
def forget_every_sites_seo_settings():
    cache.delete_many([SeoSettings.cache_key(pk) for pk in Site.objects.values_list("pk", flat=True)])


def not_restricted():
    """Pages under no view restriction, as one NOT EXISTS subquery.

    Wagtail's ``.public()`` runs a separate query every time it is called.
    """
    restrictions_above = PageViewRestriction.objects.filter(
        StartsWith(ExpressionWrapper(OuterRef("path"), output_field=models.TextField()), F("page__path"))
    )
    return ~Exists(restrictions_above)


restriction_memo = GenerationMemo(max_entries=1)


def any_view_restrictions():
    """Whether any page is private at all: most sites have none, so skip the lookup.

    Remembered in the process for the generation (saving a restriction starts a new one).
    """
    generation = request_generation()
    exists = restriction_memo.get(generation, "exists")
    if exists is None:
        exists = PageViewRestriction.objects.exists()
        restriction_memo.set(generation, "exists", exists)
    return exists


class BasePage(Page):
    """Abstract base for our pages: social image and the meta fallback chain.

    Title: SEO title, then title. Description: search description, then the page's
    listing summary, then the site default. Image: social image, then the page's
    listing image, then the site default. Subclasses add OpenGraph properties and
    JSON-LD of their own (``og_type``, ``meta_properties``, ``json_ld``).
    """

    social_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown when the page is shared; falls back to the cover image.",
    )

    promote_panels = [
        MultiFieldPanel(Page.promote_panels, heading="Common page configuration"),
        FieldPanel("social_image"),
    ]

    og_type = "website"

    class Meta:
        abstract = True

    @property
    def listing_summary(self):
        return ""

    @property
    def listing_image(self):
        return None

    @classmethod
    def routing_queryset(cls):
        """The queryset a site root fetches this page with: add what templates need."""
        return cls.objects.all()

    def get_view_restrictions(self):
        """Restrictions on this page or an ancestor, in one query instead of two.

        Wagtail first loads every ancestor to resolve aliases; a page that is not an
        alias cannot sit under one, so its own path prefixes are enough.
        """
        if self.alias_of_id:
            return super().get_view_restrictions()
        if not any_view_restrictions():
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(StartsWith(Value(self.path), F("page__path")))

    def meta_title(self):
        return self.seo_title or self.title

    def meta_description(self, seo_settings=None):
        return (
            self.search_description
            or self.listing_summary
            or (seo_settings.default_description if seo_settings else "")
        )

    def meta_image(self, seo_settings=None):
        return (
            self.social_image
            or self.listing_image
            or (seo_settings.default_social_image if seo_settings else None)
        )

    def meta_properties(self):
        """Extra OpenGraph (property, content) pairs, such as an article's section."""
        return []

    def json_ld(self, request, meta):
        """Structured data for this page; ``meta`` holds the resolved title, description,
        canonical URL, image URL and the site's settings."""
        return []


route_memo = GenerationMemo()  # (site root pk, path) -> (deepest page, its depth)


class SiteRootMixin:
    """For a site's root page: find the deepest page on a path at once, then let it route
    the rest.

    Wagtail walks the tree one level at a time with two queries per level; here it is two
    queries, and none while this process remembers the path this generation.
    """

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        generation = generation_for(request)
        path = "/".join(path_components)[:500]
        found = route_memo.get(generation, (self.pk, path))  # (page, depth) of the deepest page
        if found is None:
            found = self.find_deepest_page(path_components)
            if found is None:
                raise Http404
            route_memo.set(generation, (self.pk, path), found)
        page, depth = found
        # Each request gets its own copy: templates cache per-request things on the page.
        page = copy.copy(page)
        return page.route(request, path_components[depth - self.depth :])

    def find_deepest_page(self, path_components):
        url_paths = [
            self.url_path + "/".join(path_components[:length]) + "/"
            for length in range(1, len(path_components) + 1)
        ]
        deepest = (
            Page.objects.descendant_of(self)
            .filter(url_path__in=url_paths)
            .only("id", "depth", "content_type")
            .order_by("-depth")
            .first()
        )
        if deepest is None:
            return None
        model = deepest.specific_class
        queryset = model.routing_queryset() if issubclass(model, BasePage) else model.objects.all()
        page = queryset.filter(pk=deepest.pk).first()
        return (page, deepest.depth) if page is not None else None


class OutboxEmail(models.Model):
    """One email a visitor's request asked for, kept until it is sent (core.outbox).

    A row holds everything needed to send it without the request: the address, the kind of
    email and what its composer needs (``params``); once composed, the subject and bodies
    too, so every later attempt sends the same message.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        DROPPED = "dropped", "Nothing to send"

    kind = models.CharField(max_length=50, help_text="Which composer writes it, e.g. awards.ballot.")
    to = models.EmailField(max_length=254)
    params = models.JSONField(default=dict, blank=True)
    subject = models.TextField(blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    composed = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    # While a worker holds it, the end of its claim: the row is taken over after that.
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, help_text="Sent, failed or dropped at.")

    class Meta:
        verbose_name = "outbox email"
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="outbox_due"),
            models.Index(
                fields=["finished_at"], condition=models.Q(finished_at__isnull=False), name="outbox_finished"
            ),
        ]

    def __str__(self):
        return f"{self.kind} to {self.to}"
