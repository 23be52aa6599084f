"""What the refresh publishes beside the grades: risk figures per token, the track record
and the market overview, all computed from what is stored.

The refresh calls ``publish`` inside its transaction, after the day's rows are written.
It reads back the last ANALYSIS_DAYS of stored closes, volumes, caps and grades of every
token (tokens that have left the provider's list too) with binary COPY, computes
everything at once on the arrays (ratings/risk.py, track_record.py, market.py), and
writes one RiskDay per token graded on the day and one MarketReport for the day.
"""

import datetime
import time

import numpy as np

from . import bulk, market, risk, track_record
from .models import GradeDay, MarketDay, MarketReport, RiskDay, Sector, Token

ANALYSIS_DAYS = 365


MARKET_COLUMNS = ("close", "volume", "market_cap")
GRADE_COLUMNS = ("trader_grade", "investor_grade", "signal")


def load(end, days=ANALYSIS_DAYS, known=None):
    """Stored market data and grades of every token for the `days` days ending on `end`.

    `known` may hold rows the caller has just stored, as arrays: "ids" (token ids), "dates"
    and one (tokens, dates) matrix per column, NaN where nothing was stored. When they cover
    the whole window, those tokens are not read back (a full refresh keeps its two million
    rows in memory); every other token, such as one the provider no longer lists, is read.
    """
    since = end - datetime.timedelta(days=days - 1)
    tokens = list(Token.objects.order_by("pk").values_list("pk", "slug", "name", "symbol"))
    ids = np.array([row[0] for row in tokens], dtype=np.int64)
    dates = [since + datetime.timedelta(days=i) for i in range(days)]
    arrays = {name: np.full((len(ids), days), np.nan) for name in MARKET_COLUMNS + GRADE_COLUMNS}
    unread = ids
    if known is not None and known["dates"][0] <= since and known["dates"][-1] == end:
        first = (since - known["dates"][0]).days
        rows = np.searchsorted(ids, known["ids"])
        for name in arrays:
            arrays[name][rows] = known[name][:, first : first + days]
        unread = np.setdiff1d(ids, known["ids"])
    if len(unread):
        for model, names in ((MarketDay, MARKET_COLUMNS), (GradeDay, GRADE_COLUMNS)):
            table = model._meta.db_table
            token_ids, stored_dates, *columns = bulk.read_days(table, names, unread, since, end)
            rows = np.searchsorted(ids, token_ids)
            cols = (stored_dates - bulk.to_days([since])[0]).astype(np.int64)
            for name, column in zip(names, columns, strict=True):
                arrays[name][rows, cols] = column
    sectors = list(Sector.objects.values_list("pk", "slug", "name"))
    membership = np.zeros((len(sectors), len(ids)), dtype=bool)
    sector_row = {pk: number for number, (pk, _, _) in enumerate(sectors)}
    links = np.array(list(Token.sectors.through.objects.values_list("sector_id", "token_id")), dtype=np.int64)
    if len(links):
        membership[[sector_row[s] for s in links[:, 0].tolist()], np.searchsorted(ids, links[:, 1])] = True
    return {
        "ids": ids,
        "tokens": [row[1:] for row in tokens],
        "dates": dates,
        "sectors": [row[1:] for row in sectors],
        "membership": membership,
        **arrays,
    }


def compute(stored):
    """(risk figures per token for the last day, track record, market overview)."""
    figures = risk.figures(stored["close"], stored["market_cap"])
    record = track_record.compute(
        stored["dates"], stored["close"], stored["market_cap"],
        stored["trader_grade"], stored["investor_grade"], stored["signal"],
    )  # fmt: skip
    overview = market.compute(
        stored["dates"], stored["close"], stored["volume"], stored["market_cap"], stored["trader_grade"],
        stored["tokens"], stored["sectors"], stored["membership"],
    )  # fmt: skip
    return figures, record, overview


def publish(end, timings=None, known=None):
    """Compute and store the day's risk figures and report; add read/compute/write seconds
    to `timings`. `known`: rows just stored, as ``load`` takes them."""
    timings = timings if timings is not None else {}
    started = time.perf_counter()
    stored = load(end, known=known)
    timings["read"] = time.perf_counter() - started

    started = time.perf_counter()
    figures, record, overview = compute(stored)
    graded_today = np.isfinite(stored["trader_grade"][:, -1])
    timings["compute"] = time.perf_counter() - started

    started = time.perf_counter()
    ids = stored["ids"][graded_today]
    bulk.upsert(
        RiskDay._meta.db_table,
        ("token_id", "date"),
        {
            "token_id": ("id", ids),
            "date": ("date", bulk.to_days([end] * len(ids))),
            **{name: ("float", figures[name][graded_today]) for name in risk.FIELDS},
        },
        nullable=risk.FIELDS,
    )
    MarketReport.objects.update_or_create(date=end, defaults={"track_record": record, "market": overview})
    timings["write"] = time.perf_counter() - started
    return record, overview


def latest_report():
    return MarketReport.objects.order_by("-date").first()
