"""Grade changes explained by their components: arrays in, arrays out.

A grade is G = sum_k w_k s_k / W over the components k present that day (W: their
weights' sum). Component k's part in a change from day a to day b is the change of its
own term, w_k s_k / W on b minus the same on a, a missing component's term counting as
0. So a component that appears brings its whole term, one that disappears takes its term
away, and when W changes every other term moves with the re-weighting, each in its own
part. The terms add up to the grade, so the parts add up to the change. The Investor
Grade's drawdown cap (grading.DRAWDOWN_CAP_AT) is a rule about drawdown: what it takes
off the grade counts to the drawdown component. Parts are shown to one decimal, rounded
by largest remainder so that they add up to the change shown, exactly.

Everything is computed from what is stored (whole-number component scores and grades
rounded to one decimal), so a change can be explained on read, from any two graded days.
"""

import numpy as np

from . import grading

GRADES = {"trader": grading.TRADER_COMPONENTS, "investor": grading.INVESTOR_COMPONENTS}
# The component the drawdown cap's effect is counted to.
CAPPED_BY = "drawdown"


def terms(scores, components):
    """Each component's term w_k s_k / W of the grade (0 where it is missing), stacked on
    a last axis in the order of `components`; and the grade before rounding and cap."""
    weights = np.array([c.weight for c in components])
    stacked = np.stack([np.asarray(scores[c.key], dtype=float) for c in components], axis=-1)
    present = ~np.isnan(stacked)
    total_weight = (present * weights).sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        parts = np.where(present, stacked * weights, 0.0) / total_weight
    # The grade exactly as grading computes it, so that rounding it gives the stored grade.
    return parts, grading.weighted_grade(scores, components)


def explain(grade, now, before, grade_now, grade_before):
    """Parts of the change from `before` to `now` of the grade named `grade` ("trader" or
    "investor"), in grade points to one decimal, on a last axis in component order.

    now, before: {component key: scores} (arrays of one shape, NaN where missing);
    grade_now, grade_before: the stored grades. Rows where either grade is missing are NaN.
    The parts of a row add up to round(grade_now - grade_before, 1) exactly.
    """
    components = GRADES[grade]
    terms_now, raw_now = terms(now, components)
    terms_before, raw_before = terms(before, components)
    grade_now = np.asarray(grade_now, dtype=float)
    grade_before = np.asarray(grade_before, dtype=float)
    parts = terms_now - terms_before
    if grade == "investor":
        # Stored = min(round(raw, 1), cap grade) where the cap applied: what it took off.
        cap_now = _cap_effect(grade_now, raw_now)
        cap_before = _cap_effect(grade_before, raw_before)
        capped = [c.key for c in components].index(CAPPED_BY)
        parts[..., capped] += cap_now - cap_before
    involved = (np.stack([~np.isnan(np.asarray(now[c.key], float)) for c in components], -1)) | np.stack(
        [~np.isnan(np.asarray(before[c.key], float)) for c in components], -1
    )
    with np.errstate(invalid="ignore"):
        change_tenths = np.round((grade_now - grade_before) * 10)
    graded = ~np.isnan(change_tenths) & involved.any(axis=-1)
    tenths = largest_remainder(
        np.where(graded[..., None], parts * 10, 0.0), np.where(graded, change_tenths, 0), involved
    )
    return np.where(graded[..., None], tenths / 10, np.nan)


def _cap_effect(stored, raw):
    """The drawdown cap's effect on a stored Investor Grade: 0 unless it is at the cap
    grade and the uncapped grade, rounded as stored, is above it."""
    rounded = np.round(raw, 1)
    with np.errstate(invalid="ignore"):
        capped = (stored == grading.DRAWDOWN_CAP_GRADE) & (rounded > stored)
    return np.where(capped, stored - rounded, 0.0)


def largest_remainder(values, totals, eligible):
    """Whole numbers close to `values` (last axis) that add up to `totals`: each value
    rounded down, then the units still missing (or extra) handed out among the `eligible`
    entries, largest fractional part first (taken back from the smallest)."""
    floors = np.floor(values)
    missing = (totals - floors.sum(axis=-1)).astype(np.int64)
    count = np.maximum(eligible.sum(axis=-1), 1)
    whole, rest = np.divmod(missing, count)  # rest >= 0, even when missing < 0
    remainder = np.where(eligible, values - floors, -np.inf)
    order = np.argsort(-remainder, axis=-1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(values.shape[-1]), axis=-1)
    extra = eligible * (whole[..., None] + (rank < rest[..., None]))
    return floors + extra


def explain_rows(grade, now, before):
    """The parts for single grade rows: `now` and `before` are mappings (or objects) with
    the component keys and the grade field; returns [(component, part), ...] or None."""
    components = GRADES[grade]
    field = f"{grade}_grade"

    def read(row, key):
        value = row.get(key) if isinstance(row, dict) else getattr(row, key, None)
        return np.nan if value is None else float(value)

    if now is None or before is None or np.isnan(read(now, field)) or np.isnan(read(before, field)):
        return None
    parts = explain(
        grade,
        {c.key: np.array([read(now, c.key)]) for c in components},
        {c.key: np.array([read(before, c.key)]) for c in components},
        np.array([read(now, field)]),
        np.array([read(before, field)]),
    )[0]
    if np.isnan(parts).all():  # no component scores stored on either day
        return None
    return list(zip(components, (float(p) for p in parts), strict=True))


def describe(label, change, parts):
    """ "Trader Grade -12.4: momentum -8.1, volume -3.0, trend -1.3": the parts that moved,
    largest first; "" without parts."""
    if not parts:
        return ""
    moved = sorted(((c, p) for c, p in parts if p), key=lambda item: (-abs(item[1]), item[0].key))
    if not moved:
        return f"{label} {change:+.1f}: no component moved"
    return f"{label} {change:+.1f}: " + ", ".join(f"{c.name.lower()} {p:+.1f}" for c, p in moved)
