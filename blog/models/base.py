"""Page furniture every page shares: meta tags with one fallback chain."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page


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
