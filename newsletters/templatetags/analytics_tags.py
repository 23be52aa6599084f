from django import template

from newsletters.analytics.admin_views import percent as as_percent

register = template.Library()


@register.filter
def percent(value):
    """0.2534 -> "25.3%"; nothing when there is nothing to divide by."""
    return as_percent(value) or "–"
