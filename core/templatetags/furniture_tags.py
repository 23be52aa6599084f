import functools

from django import template
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from core import promotions
from core.furniture import feeds, footer_templates, page_scripts

register = template.Library()


@register.simple_tag(takes_context=True)
def site_footer(context):
    """The footer parts other apps registered (core.furniture), rendered in this context."""
    request = context.get("request")
    html = "".join(get_template(name).render(context.flatten(), request) for name in footer_templates)
    return mark_safe(html)  # noqa: S308 - our own templates' output, escaped when rendered


# The registries are filled once, in AppConfig.ready(): the links they make are the same
# on every page, so each process makes them once (keyed by the registry, should it change).


@register.simple_tag
def site_scripts():
    return _scripts(tuple(page_scripts))


@functools.lru_cache(maxsize=8)
def _scripts(paths):
    return format_html_join("\n", '<script src="{}" defer></script>', ((static(path),) for path in paths))


@register.simple_tag
def feed_links():
    """<link rel="alternate"> for each registered RSS feed."""
    return _feed_links(tuple(feeds))


@functools.lru_cache(maxsize=8)
def _feed_links(registered):
    return format_html_join(
        "\n",
        '<link rel="alternate" type="application/rss+xml" title="{}" href="{}">',
        ((title, reverse(name)) for title, name in registered),
    )


@register.simple_tag
def feed_items():
    """A footer list item for each registered RSS feed."""
    return _feed_items(tuple(feeds))


@functools.lru_cache(maxsize=8)
def _feed_items(registered):
    links = ((reverse(name),) for _, name in registered)
    return format_html_join("\n", '<li><a href="{}">RSS</a></li>', links)


@register.simple_tag(takes_context=True)
def promo_slot(context, slot):
    """A promotion slot (core.promotions): a sponsor's placement, our own promotion, or nothing."""
    return promotions.web_slot(context.get("request"), slot)


@register.simple_tag(takes_context=True)
def sponsor_note(context, slug):
    """On a token's page: the note that its project is a current sponsor, if it is."""
    return promotions.token_note(context.get("request"), slug)
