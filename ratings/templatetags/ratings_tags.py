from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.filter
def usd(value):
    """$1.23B, $45.6M, $12,345, $0.0001234: readable at every magnitude."""
    if value is None:
        return "–"
    value = float(value)
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if abs(value) >= size:
            return f"${value / size:,.2f}{suffix}"
    if abs(value) >= 1:
        return f"${value:,.2f}"
    return f"${value:.4g}"


@register.filter
def percent(value):
    return f"{float(value) * 100:.0f}%"


@register.filter
def percent_abs(value):
    return f"{abs(float(value)) * 100:.0f}%"


@register.filter
def measure(value):
    value = float(value)
    if abs(value) >= 1e6:
        return f"{value:,.0e}".replace("e+0", "e").replace("e+", "e")
    return f"{value:g}"


@register.filter
def field_label(form, name):
    field = form.fields.get(name)
    return field.label if field and field.label else name.replace("_", " ").capitalize()


@register.simple_tag(takes_context=True)
def sort_header(context, name, label):
    """A column heading that sorts by it; shows and announces the current direction."""
    sort = context["sort"]
    target = context["sort_links"][name]
    query = context.get("sort_query", "")
    current = sort.lstrip("-") == name
    direction = ("descending" if sort.startswith("-") else "ascending") if current else ""
    arrow = {"descending": "↓", "ascending": "↑"}.get(direction, "")
    return format_html(
        '<a href="?{}sort={}">{}{}{}</a>',
        f"{query}&" if query else "",
        target,
        label,
        format_html(' <span aria-hidden="true">{}</span>', arrow) if arrow else "",
        format_html('<span class="visually-hidden"> (sorted {})</span>', direction) if direction else "",
    )


@register.simple_tag
def change(value, digits=1, unit=""):
    """A signed, coloured change (+1.5 / -0.3%); a dash when unknown. A tag, not an
    include: table rows call it hundreds of times a page."""
    if value is None:
        return format_html('<span class="meta">–</span>')
    text = f"{value:+.{digits}f}{unit}"
    css = "up" if value > 0 else "down" if value < 0 else ""
    return (
        format_html('<span class="{}">{}</span>', css, text) if css else format_html("<span>0{}</span>", unit)
    )


@register.simple_tag
def signal_badge(signal, label):
    if not signal:
        return format_html('<span class="meta">–</span>')
    return format_html('<span class="signal signal-{}">{}</span>', signal, label)


@register.filter
def grade(value):
    """One decimal, or a dash; floatformat's locale handling is slow in a 50-row table."""
    return "–" if value is None else f"{value:.1f}"


@register.filter
def token_url(slug):
    return f"{reverse('ratings:table')}{slug}/"


@register.filter
def signed_percent(value, digits=1):
    """A fraction as a signed percentage: 0.0523 -> +5.2%; a dash when unknown."""
    if value is None:
        return "–"
    return f"{float(value) * 100:+.{digits}f}%"


@register.filter
def share(value, digits=1):
    """A fraction as a percentage without sign: 0.523 -> 52.3%; a dash when unknown."""
    if value is None:
        return "–"
    return f"{float(value) * 100:.{digits}f}%"


@register.filter
def ratio(value, digits=2):
    """A plain number to fixed digits (Sharpe, beta); a dash when unknown."""
    if value is None:
        return "–"
    return f"{float(value):.{digits}f}"
