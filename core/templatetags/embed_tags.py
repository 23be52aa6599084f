"""Embeds under the Content-Security-Policy: a ratio class instead of a style attribute,
and the provider's HTML without its scripts."""

import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# Padding ratios (height / width) that site.css has a class for.
RATIOS = {"ratio-16x9": 9 / 16, "ratio-4x3": 3 / 4, "ratio-1x1": 1.0, "ratio-9x16": 16 / 9}
SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.IGNORECASE | re.DOTALL)


@register.filter
def ratio_class(embed):
    """The class whose padding is nearest the embed's own height-to-width ratio."""
    return min(RATIOS, key=lambda name: abs(RATIOS[name] - (embed.ratio or RATIOS["ratio-16x9"])))


@register.filter
def without_scripts(html):
    """The provider's HTML (trusted as Wagtail trusts it) with its <script> elements removed:
    the policy would block them anyway, and the quote or link around them still reads."""
    return mark_safe(SCRIPT.sub("", html or ""))  # noqa: S308 - oEmbed HTML, rendered as Wagtail does
