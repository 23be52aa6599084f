"""Page furniture every page shares: meta tags with one fallback chain."""

from django.core.cache import cache
from django.db import models
from django.db.models import F, Value
from django.db.models.lookups import StartsWith
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page, PageViewRestriction, Site

from research_site.memo import GenerationMemo
from research_site.page_cache import current_generation


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
        """Per-site settings from the cache, so pages render without a query for them."""
        site = Site.find_for_request(request)
        if site is None:
            return cls()
        settings = cache.get(cls.cache_key(site.pk))
        if settings is None:
            settings = cls.objects.select_related("default_social_image").filter(site=site).first()
            settings = settings or cls.for_site(site)
            cache.set(cls.cache_key(site.pk), settings, 60 * 60)
        return settings


@receiver([post_save, post_delete], sender=SeoSettings)
def forget_cached_seo_settings(sender, instance, **kwargs):
    cache.delete(SeoSettings.cache_key(instance.site_id))


_restrictions = GenerationMemo(max_entries=1)


def any_view_restrictions():
    """Whether any page is private at all: most sites have none, so skip the lookup.

    Remembered in the process for the generation (saving a restriction starts a new one),
    so it costs the one cache read of the generation, not a second one.
    """
    generation = current_generation()
    exists = _restrictions.get(generation, "exists")
    if exists is None:
        exists = PageViewRestriction.objects.exists()
        _restrictions.set(generation, "exists", exists)
    return exists


class BasePage(Page):
    """Abstract base for our pages: social image and the meta fallback chain.

    Title: SEO title, then title. Description: search description, then the page's
    listing summary, then the site default. Image: social image, then the page's
    listing image, then the site default.
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
        """The queryset HomePage.route fetches this page with: add what templates need."""
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
