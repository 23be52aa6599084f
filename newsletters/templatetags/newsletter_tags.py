import re

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from core.links import absolute
from newsletters.issues import plaintext

register = template.Library()

RELATIVE_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src))="(/(?!/)[^"]*)"')


@register.simple_tag
def site_url(name, *args):
    """An absolute URL on the public site: email clients cannot follow relative links."""
    return absolute(reverse(name, args=args))


@register.filter(is_safe=True)
def absolute_links(html):
    """Make every site-relative href and src absolute, for HTML that leaves the site."""
    return mark_safe(RELATIVE_URL_ATTRIBUTE.sub(lambda m: f'{m[1]}="{absolute(m[2])}"', str(html)))  # noqa: S308


@register.simple_tag
def issue_text(body):
    """An issue body as readable plain text (see newsletters.issues.plaintext)."""
    return plaintext.issue_text(body)


@register.filter
def signed(value):
    """A change with its sign and one decimal: +2.5, -0.4, 0.0."""
    try:
        return plaintext.signed(value)
    except (TypeError, ValueError):
        return ""
