"""Meta tags and JSON-LD for pages: one place that walks the fallback chain."""

import json

from django import template
from django.utils.safestring import mark_safe
from wagtail.images.shortcuts import get_rendition_or_not_found

from core.models import SeoSettings

register = template.Library()

SOCIAL_IMAGE_SPEC = "fill-1200x630"
# <, > and & as JSON unicode escapes, so the data cannot close the script element or
# start a comment in it (what Django's json_script does for application/json).
SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


@register.filter
def ld_json(data):
    """Serialise `data` for a <script type="application/ld+json"> element safely."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(SCRIPT_SAFE))  # noqa: S308


def absolute_url(request, url):
    return url if url.startswith(("http://", "https://")) else request.build_absolute_uri(url)


@register.inclusion_tag("includes/meta.html", takes_context=True)
def page_meta(context, page=None, title="", description="", canonical=""):
    request = context["request"]
    seo = SeoSettings.for_request(request)
    image = None
    if page:  # a template without a page passes "" here
        title = title or page.meta_title()
        description = description or page.meta_description(seo)
        image = page.meta_image(seo)
        canonical = canonical or page.get_full_url(request)
    else:
        description = description or seo.default_description
        image = seo.default_social_image
    canonical = canonical or request.build_absolute_uri(request.path)
    image_url = ""
    if image is not None:
        rendition = get_rendition_or_not_found(image, SOCIAL_IMAGE_SPEC)
        image_url = absolute_url(request, rendition.url)

    meta = {
        "title": title,
        "site_name": seo.organisation_name,
        "description": description,
        "canonical": canonical,
        "image_url": image_url,
        "twitter_handle": seo.twitter_handle,
        "seo": seo,
    }
    return {
        **meta,
        "og_type": getattr(page, "og_type", "website"),
        "properties": page.meta_properties() if page else [],
        "json_ld": page.json_ld(request, meta) if page else [],
    }
