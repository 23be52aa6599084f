"""Meta tags and JSON-LD for pages: one place that walks the fallback chain."""

import json

from django import template
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe
from wagtail.images.shortcuts import get_rendition_or_not_found

from blog.models import ArticlePage, SeoSettings

register = template.Library()

SOCIAL_IMAGE_SPEC = "fill-1200x630"


@register.filter
def ld_json(data):
    """Serialise `data` for a <script type="application/ld+json"> element safely."""
    # <, > and & become JSON unicode escapes, so the data cannot close the script element.
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_json_script_escapes))  # noqa: S308


def _absolute(request, url):
    return url if url.startswith(("http://", "https://")) else request.build_absolute_uri(url)


def article_json_ld(page, request, canonical, description, image_url, seo):
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": page.title[:110],
        "description": description,
        "mainEntityOfPage": canonical,
        "datePublished": page.date.isoformat(),
        "dateModified": (page.last_published_at or page.date).isoformat(),
        "author": [
            {"@type": "Person", "name": author.name, "url": _absolute(request, author.get_absolute_url())}
            for author in page.authors
        ],
        "publisher": {"@type": "Organization", "name": seo.organisation_name},
        "articleSection": page.category.name,
    }
    if image_url:
        data["image"] = [image_url]
    return data


def faq_json_ld(page):
    items = page.faq_items()
    if not items:
        return None
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": item["question"],
                "acceptedAnswer": {"@type": "Answer", "text": str(item["answer"])},
            }
            for item in items
        ],
    }


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
        image_url = _absolute(request, rendition.url)

    json_ld = []
    if isinstance(page, ArticlePage):
        json_ld.append(article_json_ld(page, request, canonical, description, image_url, seo))
        faq = faq_json_ld(page)
        if faq:
            json_ld.append(faq)

    return {
        "title": title,
        "site_name": seo.organisation_name,
        "description": description,
        "canonical": canonical,
        "image_url": image_url,
        "og_type": "article" if isinstance(page, ArticlePage) else "website",
        "twitter_handle": seo.twitter_handle,
        "json_ld": json_ld,
        "article": page if isinstance(page, ArticlePage) else None,
    }
