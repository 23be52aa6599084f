"""Server-rendered SVG line charts: numbers in, coordinates and labels out."""

import math

import numpy as np

WIDTH, HEIGHT = 640, 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 52, 12, 12, 28


def _path(xs, ys):
    """An SVG path through the points, lifting the pen over gaps (NaN)."""
    commands, pen_down = [], False
    for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
        if math.isnan(y):
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
        pen_down = True
    return " ".join(commands)


def nice_ticks(low, high, count=4):
    if not math.isfinite(low) or not math.isfinite(high):
        return []
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), default=raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step) + 1)]


def format_value(value):
    if value == 0:
        return "0"
    if abs(value) >= 1e9:
        return f"{value / 1e9:.3g}B"
    if abs(value) >= 1e6:
        return f"{value / 1e6:.3g}M"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def line_chart(dates, series, *, title, y_range=None, unit="", levels=(), formatter=None):
    """Context for templates/ratings/includes/line_chart.html.

    `series` is a list of (name, values, css class); values line up with `dates`.
    `levels` are horizontal lines across the plot: (name, value, css class), e.g. support
    and resistance on a price chart; a level of None is left out.
    """
    label = formatter or format_value
    levels = [(name, float(value), css) for name, value, css in levels if value is not None]
    count = len(dates)
    all_values = np.concatenate(
        [np.asarray(v, dtype=float) for _, v, _ in series] + [np.array([v for _, v, _ in levels])]
    )
    finite = all_values[np.isfinite(all_values)]
    if y_range:
        low, high = y_range
    elif finite.size:
        low, high = float(finite.min()), float(finite.max())
        margin = (high - low) * 0.08 or abs(high) * 0.1 or 1.0
        low, high = low - margin, high + margin
    else:
        low, high = 0.0, 1.0
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    xs = PAD_LEFT + (np.arange(count) * plot_w / max(count - 1, 1))

    def y_of(values):
        return PAD_TOP + plot_h * (1 - (np.asarray(values, dtype=float) - low) / (high - low))

    lines = []
    for name, values, css in series:
        values = np.asarray(values, dtype=float)
        present = values[np.isfinite(values)]
        lines.append(
            {
                "name": name,
                "css": css,
                "path": _path(xs, y_of(values)),
                "first": label(present[0]) if present.size else "",
                "last": label(present[-1]) if present.size else "",
                "high": label(present.max()) if present.size else "",
                "low": label(present.min()) if present.size else "",
            }
        )
    y_ticks = [{"y": f"{float(y_of([t])[0]):.1f}", "label": label(t)} for t in nice_ticks(low, high)]
    level_lines = [
        {"name": name, "css": css, "y": f"{float(y_of([value])[0]):.1f}", "label": label(value)}
        for name, value, css in levels
    ]
    x_ticks = []
    if count:
        for index in sorted({0, count // 2, count - 1}):
            x_ticks.append({"x": f"{xs[index]:.1f}", "label": dates[index].strftime("%d %b %Y")})
    summary = "; ".join(
        f"{line['name']} went from {line['first']} to {line['last']}{unit} "
        f"(high {line['high']}, low {line['low']})"
        for line in lines
        if line["last"]
    )
    return {
        "title": title,
        "width": WIDTH,
        "height": HEIGHT,
        "plot_left": PAD_LEFT,
        "plot_right": WIDTH - PAD_RIGHT,
        "plot_bottom": HEIGHT - PAD_BOTTOM,
        "lines": lines,
        "levels": level_lines,
        "y_ticks": y_ticks,
        "x_ticks": x_ticks,
        "summary": summary
        + (
            f" between {dates[0]:%d %b %Y} and {dates[-1]:%d %b %Y}." if count and summary else "No data yet."
        )
        + "".join(f" {level['name']}: {level['label']}{unit}." for level in level_lines),
    }


def percent_label(value):
    return f"{value * 100:+.1f}%" if value else "0%"


def share_label(value):
    return f"{value * 100:.0f}%"


HEAT_CELL_W, HEAT_CELL_H, HEAT_LABEL_W, HEAT_HEAD_H = 92, 28, 130, 26
# Returns this large or larger get the strongest colour.
HEAT_FULL_SCALE = 0.25


def heat_colour(value):
    """Green for gains, red for losses, paler towards zero; grey when unknown."""
    if value is None or not math.isfinite(value):
        return "#e5e7eb"
    strength = min(abs(value) / HEAT_FULL_SCALE, 1.0)
    base = (22, 163, 74) if value > 0 else (220, 38, 38)
    mixed = [round(255 + (channel - 255) * (0.15 + 0.85 * strength)) for channel in base]
    return "#{:02x}{:02x}{:02x}".format(*mixed)


def heat_map(row_labels, column_labels, values, *, title):
    """Context for templates/ratings/includes/heat_map.html: `values[row][column]` are
    fractions (0.05 is +5%) or None."""
    cells = []
    for r, (row_label, row_values) in enumerate(zip(row_labels, values, strict=True)):
        for c, value in enumerate(row_values):
            strong = value is not None and abs(value) >= HEAT_FULL_SCALE * 0.6
            cells.append(
                {
                    "x": HEAT_LABEL_W + c * HEAT_CELL_W,
                    "y": HEAT_HEAD_H + r * HEAT_CELL_H,
                    "fill": heat_colour(value),
                    "text": "–" if value is None else percent_label(value),
                    "text_class": "heat-text-light" if strong else "heat-text",
                    "row": row_label,
                    "column": column_labels[c],
                }
            )
    return {
        "title": title,
        "width": HEAT_LABEL_W + HEAT_CELL_W * len(column_labels),
        "height": HEAT_HEAD_H + HEAT_CELL_H * len(row_labels),
        "cell_w": HEAT_CELL_W,
        "cell_h": HEAT_CELL_H,
        "half_w": HEAT_CELL_W // 2,
        "half_h": HEAT_CELL_H // 2,
        "rows": [
            {"label": label, "y": HEAT_HEAD_H + r * HEAT_CELL_H + HEAT_CELL_H // 2}
            for r, label in enumerate(row_labels)
        ],
        "columns": [
            {"label": label, "x": HEAT_LABEL_W + c * HEAT_CELL_W + HEAT_CELL_W // 2}
            for c, label in enumerate(column_labels)
        ],
        "cells": cells,
    }
