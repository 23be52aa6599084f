"""One refresh: fetch market data, check it, grade it, store it, all or nothing.

The provider's rows are checked first; a row that fails a check is dropped, never
stored, so it cannot replace a good row stored earlier. If fewer than
RATINGS_MIN_VALID_SHARE of the tokens have a valid row for the day being graded, the
whole refresh is rejected and nothing changes. Otherwise every write happens in one
transaction: market rows and grades are upserted (a re-run of the same day replaces
its own rows), graded tokens point at their new grade, and tokens without a valid row
for the day keep their last good grade and are flagged stale.
"""

import datetime
import time
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core import caching

from . import bulk, grading, reports
from .locking import RefreshBusy, refresh_lock
from .models import GradeDay, MarketDay, RefreshRun, Sector, Token
from .providers import MarketData, ProviderError
from .providers.base import MARKET_FIELDS, clean_info, sector_slug

# Relative slack for OHLC consistency checks: providers round prices.
TOLERANCE = 1e-6
COMPONENT_KEYS = tuple(component.key for component in grading.COMPONENTS)


class RefreshRejected(Exception):
    """The day's data was too incomplete to publish; the last good grades stand."""


@dataclass
class RefreshResult:
    run: RefreshRun
    tokens_graded: int = 0
    tokens_stale: int = 0
    rows_rejected: int = 0
    # Why rows or sector tags were left out, e.g. "line 12: close is 'abc', not a number".
    problems: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    # The part of each timing spent on risk figures, track record and market overview.
    report_timings: dict = field(default_factory=dict)


def validate(data):
    """Blank out invalid rows in place; return (mask of valid rows, number rejected)."""
    a = data.arrays
    with np.errstate(invalid="ignore"):
        present = ~np.all(np.isnan(np.stack([a[f] for f in MARKET_FIELDS])), axis=0)
        prices_ok = np.all(
            np.stack([np.isfinite(a[f]) & (a[f] > 0) for f in ("open", "high", "low", "close")]), axis=0
        )
        body_low = np.minimum(a["open"], a["close"])
        body_high = np.maximum(a["open"], a["close"])
        ohlc_ok = (a["low"] <= body_low * (1 + TOLERANCE)) & (a["high"] >= body_high * (1 - TOLERANCE))
        volume_ok = np.isfinite(a["volume"]) & (a["volume"] >= 0)
        optional_ok = np.all(
            np.stack(
                [
                    np.isnan(a[f]) | (np.isfinite(a[f]) & (a[f] >= 0))
                    for f in ("market_cap", "circulating_supply", "total_supply")
                ]
            ),
            axis=0,
        )
    valid = present & prices_ok & ohlc_ok & volume_ok & optional_ok
    for name in MARKET_FIELDS:
        a[name][~valid] = np.nan
    return valid, int((present & ~valid).sum()) + len(data.rejected)


def auto_days(end):
    """How many days a refresh ending on `end` should fetch: since the last stored day,
    or a full year on an empty database."""
    last = MarketDay.objects.filter(date__lte=end).order_by("-date").values_list("date", flat=True).first()
    if last is None:
        return settings.RATINGS_BACKFILL_DAYS
    return max(1, min((end - last).days + 1, settings.RATINGS_BACKFILL_DAYS))


def last_complete_day(now=None):
    """The latest UTC day whose daily candle has closed: yesterday (UTC), whatever the hour.
    At 00:20 on day D that is D-1; D itself has only twenty minutes of trading."""
    now = now or timezone.now()
    return now.astimezone(datetime.UTC).date() - datetime.timedelta(days=1)


def refresh(provider, *, end=None, days=None, limit=None, progress=None):
    """Grade `end` (default: the last complete UTC day) from `provider`. One refresh runs at
    a time: while another holds the lock this raises RefreshBusy and does nothing."""
    progress = progress or (lambda stage, done, total: None)
    with refresh_lock() as renew:

        def reporting(stage, done, total):
            renew()
            progress(stage, done, total)

        return _refresh(provider, end=end or last_complete_day(), days=days, limit=limit, progress=reporting)


def _refresh(provider, *, end, days, limit, progress):
    # Holding the lock, any run still marked running belongs to a refresh that died.
    RefreshRun.objects.filter(status=RefreshRun.Status.RUNNING).update(
        status=RefreshRun.Status.FAILED,
        message="Stopped without finishing: its process died or was killed.",
        finished_at=timezone.now(),
    )
    days = days or auto_days(end)
    run = RefreshRun.objects.create(provider=provider.name or type(provider).__name__, day=end, days=days)
    result = RefreshResult(run=run)
    try:
        started = time.perf_counter()
        progress("fetch", 0, 1)
        data = provider.fetch(end=end, days=days, limit=limit, progress=progress)
        for info in data.tokens:
            clean_info(info)
        history_for = _backfill(provider, data, progress)
        progress("fetch", 1, 1)
        valid, result.rows_rejected = validate(data)
        result.problems = [f"{where}: {why}" for where, why in data.rejected]
        if history_for is not None:
            history_valid, _ = validate(history_for)
        share = valid[:, -1].mean() if len(data.tokens) else 0.0
        if share < settings.RATINGS_MIN_VALID_SHARE:
            raise RefreshRejected(
                f"Only {share:.0%} of {len(data.tokens)} tokens have valid data for {end}; "
                f"at least {settings.RATINGS_MIN_VALID_SHARE:.0%} are needed. The last good grades stand."
            )
        with transaction.atomic():
            tokens = _save_tokens(data.tokens)
            if history_for is not None:
                by_slug = {token.slug: token for token in tokens}
                _write_market([by_slug[info.slug] for info in history_for.tokens], history_for, history_valid)
            history = _history(tokens, data.dates[0])
            result.timings["read"] = time.perf_counter() - started

            started = time.perf_counter()
            progress("grade", 0, 1)
            grades = grading.grade(_market_arrays(data, tokens, history))
            kept = slice(history["close"].shape[1], None)
            progress("grade", 1, 1)
            result.timings["compute"] = time.perf_counter() - started

            started = time.perf_counter()
            # A first load of a whole year can hand its rows to the reports instead of them
            # reading the rows back; a re-run over stored days cannot (rows it drops stay stored).
            first_load = len(data.dates) >= reports.ANALYSIS_DAYS and not MarketDay.objects.filter(
                date__range=(data.dates[0], end)
            ).exists()
            progress("write", 0, 2)
            _write_market(tokens, data, valid)
            progress("write", 1, 2)
            graded = grades.graded()[:, kept]
            _write_grades(tokens, data.dates, grades, kept, graded)
            progress("write", 2, 2)
            result.tokens_graded, result.tokens_stale = _update_snapshots(tokens, data, end, graded[:, -1])
            result.timings["write"] = time.perf_counter() - started
            # Risk figures, track record and market overview, from the rows just stored.
            progress("report", 0, 1)
            known = _just_stored(tokens, data, grades, kept, graded) if first_load else None
            reports.publish(end, result.report_timings, known=known)
            progress("report", 1, 1)
            for stage in ("read", "compute", "write"):
                result.timings[stage] += result.report_timings[stage]

            run.status = RefreshRun.Status.DONE
            run.tokens_graded, run.tokens_stale = result.tokens_graded, result.tokens_stale
            run.rows_rejected = result.rows_rejected
            notes = [f"{slug}: {why}" for slug, why in data.failed.items()] + result.problems
            run.message = "; ".join(notes[:20])
            run.finished_at = timezone.now()
            run.save()
            # Ratings pages and articles with live tables must show the new grades.
            transaction.on_commit(caching.invalidate)
    except RefreshRejected as error:
        _finish(run, RefreshRun.Status.REJECTED, str(error), result.rows_rejected)
        raise
    except ProviderError as error:
        _finish(run, RefreshRun.Status.FAILED, str(error), result.rows_rejected)
        raise
    except Exception as error:
        _finish(run, RefreshRun.Status.FAILED, f"{type(error).__name__}: {error}", result.rows_rejected)
        raise
    return result


def _backfill(provider, data, progress):
    """Stored-history-to-be for tokens new to a short refresh, from the provider's backfill
    (CoinGecko: one chart call per such token), written before grading reads history.
    None when the window is long enough to grade from, or nobody is new."""
    if not data.tokens or len(data.dates) >= grading.HISTORY_NEEDED:
        return None
    first = data.dates[0]
    slugs = [info.slug for info in data.tokens]
    known = set(
        Token.objects.filter(slug__in=slugs)
        .filter(Exists(MarketDay.objects.filter(token=OuterRef("pk"), date__lt=first)))
        .values_list("slug", flat=True)
    )
    fresh = [info for info in data.tokens if info.slug not in known]
    if not fresh:
        return None
    days = max(1, settings.RATINGS_BACKFILL_DAYS - len(data.dates))
    history = provider.backfill(fresh, end=first - datetime.timedelta(days=1), days=days, progress=progress)
    if history is None:
        return None
    for info, failure in history.failed.items():
        data.failed.setdefault(info, f"history: {failure}")
    return history


def _finish(run, status, message, rejected):
    RefreshRun.objects.filter(pk=run.pk).update(
        status=status, message=message[:2000], rows_rejected=rejected, finished_at=timezone.now()
    )


def _save_tokens(infos):
    """Create missing tokens and sectors, refresh descriptive fields; return token rows in order."""
    existing = {token.slug: token for token in Token.objects.all()}
    descriptive = ("name", "symbol", "chain", "provider_ids", "launched_on", "max_supply")
    new, changed = [], []
    for info in infos:
        token = existing.get(info.slug)
        values = {name: getattr(info, name) for name in descriptive}
        if token is None:
            token = Token(slug=info.slug, **values)
            new.append(token)
            existing[info.slug] = token
        elif any(
            getattr(token, name) != value for name, value in values.items() if value not in (None, "", {})
        ):
            for name, value in values.items():
                if value not in (None, "", {}):
                    setattr(token, name, value)
            changed.append(token)
    Token.objects.bulk_create(new, batch_size=2000)
    if changed:
        Token.objects.bulk_update(changed, descriptive, batch_size=500)

    sector_ids = _save_sectors({name for info in infos for name in info.sectors})
    if sector_ids:
        Through = Token.sectors.through
        new_slugs = {token.slug for token in new}
        Through.objects.bulk_create(
            [
                Through(token_id=existing[info.slug].pk, sector_id=sector_ids[name])
                for info in infos
                if info.slug in new_slugs
                for name in info.sectors
                if name in sector_ids
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
    return [existing[info.slug] for info in infos]


def _save_sectors(names):
    """{name: sector id} for the names, creating missing sectors. A name whose slug is taken
    by another spelling ("DEFI" beside a stored "DeFi") joins that sector; a name with no
    ASCII letters or digits has no slug and is left out (providers report such rows)."""
    slug_of = {name: sector_slug(name) for name in sorted(names)}
    slug_of = {name: slug for name, slug in slug_of.items() if slug}
    if not slug_of:
        return {}
    first_name = {}
    for name, slug in slug_of.items():
        first_name.setdefault(slug, name)
    Sector.objects.bulk_create(
        [Sector(name=name, slug=slug) for slug, name in first_name.items()], ignore_conflicts=True
    )
    stored = Sector.objects.filter(Q(name__in=slug_of) | Q(slug__in=first_name))
    by_name, by_slug = {}, {}
    for sector_id, name, slug in stored.values_list("id", "name", "slug"):
        by_name[name], by_slug[slug] = sector_id, sector_id
    ids = {name: by_name.get(name) or by_slug.get(slug) for name, slug in slug_of.items()}
    return {name: sector_id for name, sector_id in ids.items() if sector_id is not None}


def _history(tokens, first_day):
    """Stored market data for the days before `first_day` that the grades depend on."""
    since = first_day - datetime.timedelta(days=grading.HISTORY_NEEDED)
    until = first_day - datetime.timedelta(days=1)
    names = ("close", "volume", "market_cap", "circulating_supply", "total_supply")
    token_ids, dates, *values = bulk.read_days(
        MarketDay._meta.db_table, names, [t.pk for t in tokens], since, until
    )
    width = 0 if not len(dates) else int((bulk.to_days([until]) - dates.min()).item().days) + 1
    row_of = {token.pk: row for row, token in enumerate(tokens)}
    rows = np.array([row_of.get(int(i), -1) for i in token_ids], dtype=np.int64)
    keep = rows >= 0
    columns = (dates - bulk.to_days([until])[0]).astype(np.int64) + width - 1
    history = {}
    for name, column in zip(names, values, strict=True):
        matrix = np.full((len(tokens), width), np.nan)
        matrix[rows[keep], columns[keep]] = column[keep]
        history[name] = matrix
    return history


def _market_arrays(data, tokens, history):
    def joined(name):
        return np.concatenate([history[name], data[name]], axis=1)

    width = history["close"].shape[1]
    first = data.dates[0] - datetime.timedelta(days=width)
    launch = np.array(
        [np.nan if t.launched_on is None else (t.launched_on - first).days for t in tokens], dtype=float
    )
    prior_high = np.array(
        [np.nan if t.all_time_high is None else t.all_time_high for t in tokens], dtype=float
    )
    provider_high = np.array(
        [np.nan if info.all_time_high is None else info.all_time_high for info in data.tokens], dtype=float
    )
    return grading.MarketArrays(
        close=joined("close"),
        volume=joined("volume"),
        market_cap=joined("market_cap"),
        circulating_supply=joined("circulating_supply"),
        total_supply=joined("total_supply"),
        prior_high=np.fmax(prior_high, provider_high),
        launch_index=launch,
    )


def _just_stored(tokens, data, grades, kept, graded):
    """The rows this refresh stored, as reports.load takes them: invalid market rows were
    blanked by validate() and never stored; grades only where `graded`."""

    def stored_grades(matrix):
        return np.where(graded, matrix[:, kept], np.nan)

    return {
        "ids": np.array([t.pk for t in tokens], dtype=np.int64),
        "dates": list(data.dates),
        **{name: data[name] for name in reports.MARKET_COLUMNS},
        "trader_grade": stored_grades(grades.trader),
        "investor_grade": stored_grades(grades.investor),
        "signal": stored_grades(grades.signal.astype(float)),
    }


def _cells(tokens, dates, mask):
    rows, columns = np.nonzero(mask)
    token_ids = np.array([t.pk for t in tokens], dtype=np.int64)[rows]
    return rows, columns, token_ids, bulk.to_days(dates)[columns]


def _write_market(tokens, data, valid):
    rows, columns, token_ids, days = _cells(tokens, data.dates, valid)
    values = {name: ("float", data[name][rows, columns]) for name in MARKET_FIELDS}
    bulk.upsert(
        MarketDay._meta.db_table,
        ("token_id", "date"),
        {"token_id": ("id", token_ids), "date": ("date", days), **values},
        nullable=("market_cap", "circulating_supply", "total_supply"),
    )


def _write_grades(tokens, dates, grades, kept, graded):
    rows, columns, token_ids, days = _cells(tokens, dates, graded)

    def cells(matrix):
        return ("float", matrix[:, kept][rows, columns])

    optional = COMPONENT_KEYS + tuple(grades.changes)
    bulk.upsert(
        GradeDay._meta.db_table,
        ("token_id", "date"),
        {
            "token_id": ("id", token_ids),
            "date": ("date", days),
            "trader_grade": cells(grades.trader),
            "investor_grade": cells(grades.investor),
            "signal": ("smallint", grades.signal[:, kept][rows, columns]),
            **{key: ("smallint", cells(grades.components[key])[1]) for key in COMPONENT_KEYS},
            **{key: cells(value) for key, value in grades.changes.items()},
        },
        nullable=optional,
    )


SNAPSHOT_FIELDS = (
    "trader_grade", "investor_grade", "signal", "trader_change_24h", "trader_change_7d",
    "investor_change_24h", "investor_change_7d", "price_change_24h", "price_change_7d",
)  # fmt: skip


def _update_snapshots(tokens, data, end, graded_today):
    """Copy the day's grades onto graded tokens; flag the others stale. Returns both counts."""
    ids = np.array([t.pk for t in tokens], dtype=np.int64)
    graded_ids = ids[graded_today].tolist()
    token, grade, market = Token._meta.db_table, GradeDay._meta.db_table, MarketDay._meta.db_table
    copied = ", ".join(f"{name} = g.{name}" for name in SNAPSHOT_FIELDS)
    with connection.cursor() as cursor:
        # Tokens whose snapshot is newer than `end` (an old day being re-run) keep it.
        cursor.execute(
            f"UPDATE {token} SET graded_on = g.date, {copied}, price = m.close, market_cap = m.market_cap, "  # noqa: S608
            "circulating_supply = m.circulating_supply, total_supply = m.total_supply, "
            "is_stale = %s, stale_since = NULL "
            f"FROM {grade} AS g JOIN {market} AS m ON m.token_id = g.token_id AND m.date = g.date "
            f"WHERE g.token_id = {token}.id AND g.date = %s "
            f"AND ({token}.graded_on IS NULL OR {token}.graded_on <= %s)",
            [False, end, end],
        )
    highs = np.nanmax(np.where(np.isnan(data["close"]), -np.inf, data["close"]), axis=1)
    _raise_all_time_highs(ids, highs)
    # Every token without a grade for `end` (failed, invalid, or not in the provider's
    # list any more) keeps its last good grade and is flagged stale.
    stale = Token.objects.filter(Q(graded_on__isnull=True) | Q(graded_on__lt=end))
    stale.filter(is_stale=False).update(is_stale=True, stale_since=end)
    return len(graded_ids), stale.count()


def _raise_all_time_highs(ids, highs):
    seen = np.isfinite(highs)
    bulk.raise_column(Token._meta.db_table, "all_time_high", ids[seen], highs[seen])


__all__ = [
    "MarketData", "RefreshBusy", "RefreshRejected", "RefreshResult", "last_complete_day", "refresh",
    "validate",
]  # fmt: skip
