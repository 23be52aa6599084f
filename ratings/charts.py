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


def line_chart(dates, series, *, title, y_range=None, unit=""):
    """Context for templates/ratings/includes/line_chart.html.

    `series` is a list of (name, values, css class); values line up with `dates`.
    """
    count = len(dates)
    all_values = (
        np.concatenate([np.asarray(v, dtype=float) for _, v, _ in series]) if series else np.array([])
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
                "first": format_value(present[0]) if present.size else "",
                "last": format_value(present[-1]) if present.size else "",
                "high": format_value(present.max()) if present.size else "",
                "low": format_value(present.min()) if present.size else "",
            }
        )
    y_ticks = [{"y": f"{float(y_of([t])[0]):.1f}", "label": format_value(t)} for t in nice_ticks(low, high)]
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
        "y_ticks": y_ticks,
        "x_ticks": x_ticks,
        "summary": summary
        + (
            f" between {dates[0]:%d %b %Y} and {dates[-1]:%d %b %Y}." if count and summary else "No data yet."
        ),
    }
