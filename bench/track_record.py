"""Track-record, risk and market-overview computation for 6,000 tokens x 365 days.

    .venv/bin/python bench/track_record.py

Times the array work the refresh does after reading the stored rows back
(ratings/reports.py: risk.figures, track_record.compute, market.compute) on a synthetic
market with grades, a tenth of the tokens vanishing part-way, and prints the median of
BENCH_REPEATS runs (5) against the limit of issue 13: the track record under 2 s.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "research_site.settings.test")

import django  # noqa: E402

django.setup()

from ratings import market, risk, track_record  # noqa: E402

TOKENS, DAYS = 6000, 365
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
LIMIT = 2.0


def synthetic():
    rng = np.random.default_rng(13)
    returns = rng.standard_t(4, size=(TOKENS, DAYS)) * 0.03
    close = 10 * np.exp(np.cumsum(returns, axis=1))
    caps = close * rng.lognormal(16, 2, size=(TOKENS, 1))
    trader = np.clip(50 + 20 * rng.standard_normal((TOKENS, DAYS)), 0, 100)
    investor = np.clip(50 + 15 * rng.standard_normal((TOKENS, DAYS)), 0, 100)
    vanished = rng.random(TOKENS) < 0.1
    stops = rng.integers(30, DAYS, size=TOKENS)
    gone = vanished[:, None] & (np.arange(DAYS)[None, :] >= stops[:, None])
    for matrix in (close, caps, trader, investor):
        matrix[gone] = np.nan
    signal = np.where(np.isnan(trader), np.nan, np.minimum(trader // 20 + 1, 5))
    volume = caps * 0.05
    sectors = [(f"sector-{n}", f"Sector {n}") for n in range(10)]
    membership = rng.random((10, TOKENS)) < 0.15
    tokens = [(f"token-{n}", f"Token {n}", f"T{n}") for n in range(TOKENS)]
    dates = [datetime.date(2025, 1, 1) + datetime.timedelta(days=i) for i in range(DAYS)]
    return dates, close, caps, trader, investor, signal, volume, tokens, sectors, membership


def timed(function):
    runs = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), min(runs), max(runs)


def main():
    dates, close, caps, trader, investor, signal, volume, tokens, sectors, membership = synthetic()
    rows = {
        "track record": lambda: track_record.compute(dates, close, caps, trader, investor, signal),
        "risk figures": lambda: risk.figures(close, caps),
        "market overview": lambda: market.compute(
            dates, close, volume, caps, trader, tokens, sectors, membership
        ),
    }
    print(f"{TOKENS:,} tokens x {DAYS} days, median of {REPEATS} runs (min-max)")
    total = 0.0
    for name, function in rows.items():
        median, low, high = timed(function)
        total += median
        verdict = ""
        if name == "track record":
            verdict = f"  (limit {LIMIT:.0f} s: {'ok' if median <= LIMIT else 'OVER'})"
        print(f"{name:<18} {median:6.3f} s  ({low:.3f}-{high:.3f}){verdict}")
    print(f"{'all three':<18} {total:6.3f} s")


if __name__ == "__main__":
    main()
