from django import template
from django.urls import reverse

from newsletters.links import absolute

register = template.Library()


@register.simple_tag
def site_url(name, *args):
    """An absolute URL on the public site: email clients cannot follow relative links."""
    return absolute(reverse(name, args=args))
