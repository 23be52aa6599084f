from django import template
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
