import datetime

import numpy as np
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from core.fragments import PageParts
from core.pagination import page_or_404

from . import attribution, grading, market, reports, risk, track_record
from .charts import format_value, heat_map, line_chart, percent_label, share_label
from .filters import TABLE_SORTS, TokenFilter, sort_table
from .models import GradeDay, MarketDay, RiskDay, Sector, Token

CHART_RANGES = (30, 90, 365)
TOP_COUNT = 10
TOP_BY = {"investor": ("investor_grade", "Investor Grade"), "trader": ("trader_grade", "Trader Grade")}


def token_table(request):
    # The table depends on nothing but these parameters (and the grades, which a refresh
    # changes with a new generation): stored, it costs no query.
    asked = [request.GET.getlist(name) for name in (*TokenFilter.base_filters, "sort", "page")]
    parts = PageParts(request, "ratings-table", *asked)
    if parts.hit:
        return render(request, "ratings/token_table.html", {"page_parts": parts})
    filters = TokenFilter(request.GET, queryset=Token.objects.all())
    sort = request.GET.get("sort", "-market_cap")
    if sort.lstrip("-") not in TABLE_SORTS:
        sort = "-market_cap"
    context = {"filters": filters, "sort": sort, "sectors": Sector.objects.all()}
    if not filters.is_valid():
        context["tokens"] = []  # and no page_parts: an answer that is not 200 is never stored
        return render(request, "ratings/token_table.html", context, status=400)
    context["page_parts"] = parts
    tokens = sort_table(filters.qs, sort).prefetch_related("sectors")
    paginator = Paginator(tokens, settings.RATINGS_PER_PAGE)
    page = page_or_404(paginator, request.GET.get("page", "1"), items="tokens")
    page.object_list = list(page.object_list)  # one query, however often the template looks
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context.update(
        {
            "page_obj": page,
            "tokens": page.object_list,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "sort_links": {
                name: f"-{name}" if sort != f"-{name}" else name
                for name in ("investor", "trader", "market_cap", "change_24h", "name")
            },
        }
    )
    return render(request, "ratings/token_table.html", context)


def token_detail(request, slug):
    parts = PageParts(request, "ratings-token", slug, request.GET.get("range", "90"))
    if parts.hit:  # the grades change only with a refresh, which starts a new generation
        return render(request, "ratings/token_detail.html", {"page_parts": parts})
    token = get_object_or_404(Token, slug=slug)
    try:
        days = int(request.GET.get("range", "90"))
    except ValueError:
        days = 0
    if days not in CHART_RANGES:
        raise Http404(f"Charts cover {', '.join(map(str, CHART_RANGES))} days.")
    latest, explained = latest_explained(token)
    risk_day = RiskDay.objects.filter(token=token).order_by("-date").first()
    end = token.graded_on or datetime.date.today()
    since = end - datetime.timedelta(days=days - 1)
    dates = [since + datetime.timedelta(days=i) for i in range(days)]
    position = {day: i for i, day in enumerate(dates)}
    trader, investor, close = (np.full(days, np.nan) for _ in range(3))
    for day, trader_grade, investor_grade in GradeDay.objects.filter(
        token=token, date__range=(since, end)
    ).values_list("date", "trader_grade", "investor_grade"):
        trader[position[day]], investor[position[day]] = trader_grade, investor_grade
    for day, price in MarketDay.objects.filter(token=token, date__range=(since, end)).values_list(
        "date", "close"
    ):
        close[position[day]] = price
    components = []
    if latest:
        for component in grading.COMPONENTS:
            components.append(
                {
                    "component": component,
                    "score": getattr(latest, component.key),
                    **{horizon: parts.get(component.key) for horizon, parts in explained.items()},
                }
            )
    return render(
        request,
        "ratings/token_detail.html",
        {
            "page_parts": parts,
            "token": token,
            "sectors": list(token.sectors.all()),
            "latest": latest,
            "trader_components": [c for c in components if c["component"].grade == "trader"],
            "investor_components": [c for c in components if c["component"].grade == "investor"],
            "explained": any(explained.values()),
            "days": days,
            "ranges": CHART_RANGES,
            "min_history_days": grading.MIN_HISTORY_DAYS,
            "grade_chart": line_chart(
                dates,
                [("Trader Grade", trader, "line-trader"), ("Investor Grade", investor, "line-investor")],
                title=f"{token.name} grades, last {days} days",
                y_range=(0, 100),
            ),
            "price_chart": line_chart(
                dates,
                [("Price", close, "line-price")],
                title=f"{token.name} price in USD, last {days} days",
                levels=[
                    ("Support", risk_day and risk_day.support, "level-support"),
                    ("Resistance", risk_day and risk_day.resistance, "level-resistance"),
                ],
            ),
            "risk": risk_day,
            "risk_rows": risk_rows(risk_day),
            "risk_windows": risk.WINDOWS,
            "risk_method": risk.RISK_METHOD,
        },
    )


def latest_explained(token):
    """The token's latest GradeDay and its 24 h and 7 d changes split by component:
    (row, {"day": {key: part}, "week": {key: part}}), from one query."""
    if not token.graded_on:
        return None, {"day": {}, "week": {}}
    day = datetime.timedelta(days=1)
    earlier = {"day": token.graded_on - day, "week": token.graded_on - 7 * day}
    dates = [token.graded_on, *earlier.values()]
    rows = {row.date: row for row in GradeDay.objects.filter(token=token, date__in=dates)}
    latest = rows.get(token.graded_on)
    explained = {}
    for horizon, date in earlier.items():
        explained[horizon] = {}
        for grade in attribution.GRADES:
            for component, part in attribution.explain_rows(grade, latest, rows.get(date)) or ():
                explained[horizon][component.key] = part
    return latest, explained


def methodology(request):
    method = grading.methodology()
    method["capped_by_name"] = next(c.name for c in grading.COMPONENTS if c.key == attribution.CAPPED_BY)
    sections = [("Trader Grade", method["trader"]), ("Investor Grade", method["investor"])]
    return render(request, "ratings/methodology.html", {"method": method, "method_sections": sections})


def top_index(request):
    return render(request, "ratings/top_index.html", {"sectors": Sector.objects.all()})


def top_tokens(queryset, by="investor", count=TOP_COUNT):
    field, _ = TOP_BY[by]
    return list(
        queryset.filter(**{f"{field}__isnull": False}).order_by(f"-{field}", "-market_cap", "pk")[:count]
    )


def top_by_sector(request, slug):
    sector = get_object_or_404(Sector, slug=slug)
    by = request.GET.get("by", "investor")
    if by not in TOP_BY:
        raise Http404("Top lists rank by investor or trader grade.")
    return render(
        request,
        "ratings/top_sector.html",
        {
            "sector": sector,
            "by": by,
            "by_label": TOP_BY[by][1],
            "tokens": top_tokens(Token.objects.filter(sectors=sector), by),
            "sectors": Sector.objects.all(),
        },
    )


RISK_ROWS = (
    ("volatility", "Volatility (a year)", "share"),
    ("sharpe", "Sharpe ratio", "ratio"),
    ("sortino", "Sortino ratio", "ratio"),
    ("max_drawdown", "Maximum drawdown", "signed"),
    ("var_95", "Value at risk, 95%, one day", "share"),
    ("beta", "Beta to the market", "ratio"),
)


def risk_rows(risk_day):
    """[(label, format, [value per window])] for the token page's risk table."""
    if risk_day is None:
        return []
    return [
        (label, kind, [getattr(risk_day, f"{figure}_{window}d") for window in risk.WINDOWS])
        for figure, label, kind in RISK_ROWS
    ]


def _days(isoformat_dates):
    return [datetime.date.fromisoformat(day) for day in isoformat_dates]


def _values(values):
    return np.array([np.nan if value is None else value for value in values], dtype=float)


def performance(request):
    asked = request.GET.get("horizon", str(track_record.SPREAD_HORIZON))
    parts = PageParts(request, "ratings-performance", asked)
    if parts.hit:
        return render(request, "ratings/performance.html", {"page_parts": parts})
    horizons = [str(h) for h in track_record.HORIZONS]
    context = {"horizons": horizons, "horizon": asked, "methodology": track_record.methodology()}
    if asked not in horizons:
        context["error"] = f"horizon must be one of {', '.join(horizons)} (days); got {asked[:20]!r}."
        return render(request, "ratings/performance.html", context, status=400)
    context["page_parts"] = parts
    report = reports.latest_report()
    if report is not None:
        record = report.track_record
        dates = _days(record["spread"]["dates"])
        context.update(
            {
                "report": report,
                "record": record,
                "benchmark": record["benchmarks"][asked],
                "tables": [
                    (
                        track_record.GROUPING_LABELS[name],
                        [{"label": g["label"], **g["horizons"][asked]} for g in record["groups"][name]],
                    )
                    for name in track_record.GROUPINGS
                ],
                "spread_chart": line_chart(
                    dates,
                    [
                        ("Trader Grade spread", _values(record["spread"]["trader"]), "line-spread-trader"),
                        (
                            "Investor Grade spread",
                            _values(record["spread"]["investor"]),
                            "line-spread-investor",
                        ),
                    ],
                    title=f"Top band minus bottom band, {record['spread']['horizon']}-day forward return",
                    formatter=percent_label,
                ),
                "spread_horizon": record["spread"]["horizon"],
            }
        )
    return render(request, "ratings/performance.html", context)


MARKET_RANGES = (30, 90, 365)


def market_overview(request):
    asked = request.GET.get("range", "365")
    parts = PageParts(request, "ratings-market", asked)
    if parts.hit:
        return render(request, "ratings/market.html", {"page_parts": parts})
    context = {"ranges": MARKET_RANGES, "regime_rule": market.REGIME_RULE}
    if asked not in {str(days) for days in MARKET_RANGES}:
        context["error"] = (
            f"range must be one of {', '.join(map(str, MARKET_RANGES))} (days); got {asked[:20]!r}."
        )
        return render(request, "ratings/market.html", context, status=400)
    days = int(asked)
    context.update({"page_parts": parts, "days": days})
    report = reports.latest_report()
    if report is not None:
        overview = report.market
        series = {name: values[-days:] for name, values in overview["series"].items()}
        dates = _days(series["dates"])
        context.update(
            {
                "report": report,
                "overview": overview,
                "cap_chart": line_chart(
                    dates,
                    [("Total market cap", _values(series["total_market_cap"]), "line-total")],
                    title=f"Total market cap in USD, last {days} days",
                    formatter=lambda v: "$" + format_value(v),
                ),
                "volume_chart": line_chart(
                    dates,
                    [("Total volume", _values(series["total_volume"]), "line-price")],
                    title=f"Total daily volume in USD, last {days} days",
                    formatter=lambda v: "$" + format_value(v),
                ),
                "breadth_chart": line_chart(
                    dates,
                    [
                        (f"Above {w}-day average", _values(series[f"above_{w}d_average"]), css)
                        for w, css in zip(market.BREADTH_WINDOWS, ("line-breadth-short", "line-breadth-long"),
                                          strict=True)
                    ]
                    + [("High Trader Grade", _values(series["high_trader_grade_share"]), "line-high-grades")],
                    title=f"Market breadth and share of high Trader Grades, last {days} days",
                    y_range=(0, 1),
                    formatter=share_label,
                ),
                "sector_map": heat_map(
                    [sector["name"] for sector in overview["sectors"]],
                    overview["sector_periods"],
                    [[s["returns"][p] for p in overview["sector_periods"]] for s in overview["sectors"]],
                    title="Sector returns, weighted by market cap, over 1, 7, 30 and 90 days",
                ),
            }
        )
    return render(request, "ratings/market.html", context)
