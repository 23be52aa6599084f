"""Line charts as inline SVG, drawn on the server: no script, readable without one.

Each chart has a title and description for screen readers, and the report pages print the
same figures as a table beside it.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
COLOURS = ("#0b5cad", "#9aa5b1", "#c05621", "#2f855a")
DASHES = ("", "6 4", "", "2 3")


def nice_ceiling(value):
    """The smallest 1, 2 or 5 times a power of ten that is at least ``value``."""
    if value <= 0:
        return 1
    scale = 1
    while scale * 10 <= value:
        scale *= 10
    while scale > value:
        scale /= 10
    for step in (1, 2, 5, 10):
        if step * scale >= value:
            return step * scale
    return 10 * scale


def line_chart(title, labels, series, percent=False):
    """An SVG line chart: ``labels`` along the bottom, ``series`` as [(name, values)]
    with None for a gap."""
    values = [value for _, points in series for value in points if value is not None]
    top = nice_ceiling(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(len(labels), 1)

    def x(index):
        return f"{LEFT + (plot_w * index / (count - 1) if count > 1 else plot_w / 2):.1f}"

    def y(value):
        return f"{TOP + plot_h - plot_h * value / top:.1f}"

    def shown(value):
        return f"{value * 100:.1f}%" if percent else f"{value:g}"

    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#e3e6ea"/>'
        '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#5b6470">{}</text>',
        (
            (LEFT, WIDTH - RIGHT, y(level), y(level), LEFT - 6, f"{float(y(level)) + 4:.1f}", shown(level))
            for level in (top * step / 4 for step in range(5))
        ),
    )
    every = max(1, count // 8)
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#5b6470">{}</text>',
        ((x(index), HEIGHT - BOTTOM + 16, label) for index, label in enumerate(labels) if index % every == 0),
    )
    lines = []
    for number, (name, points) in enumerate(series):
        colour, dash = COLOURS[number % len(COLOURS)], DASHES[number % len(DASHES)]
        path = " ".join(
            f"{x(index)},{y(value)}" for index, value in enumerate(points) if value is not None
        )
        dots = format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="2.5" fill="{}"><title>{}: {}</title></circle>',
            ((x(index), y(value), colour, name, shown(value)) for index, value in enumerate(points)
             if value is not None and count <= 40),
        )
        lines.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>{}',
                path, colour, dash, dots,
            )
        )
    legend = format_html_join(
        "",
        '<g transform="translate({},{})"><line x1="0" x2="18" y1="0" y2="0" stroke="{}" stroke-width="2" '
        'stroke-dasharray="{}"/><text x="24" y="4" font-size="12" fill="#1b1f24">{}</text></g>',
        ((LEFT + 180 * number, HEIGHT - 8, COLOURS[number % len(COLOURS)], DASHES[number % len(DASHES)], name)
         for number, (name, _) in enumerate(series)),
    )
    description = "; ".join(
        f"{name}: " + ", ".join(shown(value) for value in points if value is not None)
        for name, points in series
    )
    return format_html(
        '<svg class="analytics-chart" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="{}-t {}-d" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>'
        "{}{}{}{}</svg>",
        WIDTH, HEIGHT, slug(title), slug(title), slug(title), title, slug(title), description,
        grid, ticks, mark_safe("".join(lines)), legend,  # noqa: S308 - each line made by format_html
    )


def slug(text):
    return "chart-" + "".join(character if character.isalnum() else "-" for character in text.lower())[:40]
