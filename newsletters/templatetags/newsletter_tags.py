import re

from django import template
from django.urls import reverse
from django.utils.html import format_html
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


@register.simple_tag(takes_context=True)
def email_style(context, *css):
    """` style="..."` for a block rendered into an email, whose clients only read inline
    styles; nothing on the issue's web page (``on_the_web``), where site.css styles the
    block and the Content-Security-Policy blocks style attributes."""
    if context.get("on_the_web"):
        return ""
    return format_html(' style="{}"', "".join(map(str, css)))


@register.filter
def change_colour(change):
    """Green up, red down, grey for none: a grade change's colour in an email."""
    return "#1a7f37" if change and change > 0 else "#b42318" if change and change < 0 else "#5b6470"


@register.filter
def change_class(change):
    """site.css's class for a grade change on the web page: up, down or none."""
    return "up" if change and change > 0 else "down" if change and change < 0 else ""
