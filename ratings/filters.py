"""Filters shared by the ratings pages and the public API."""

import django_filters
from django.db.models import F, Q

from core.filters import IsoDateFilter, StrictBooleanFilter

from .models import GradeDay, RiskDay, Sector, Signal, Token

# Public sort names -> model fields; "-" in front sorts descending. Missing values go last.
TABLE_SORTS = {
    "investor": "investor_grade",
    "trader": "trader_grade",
    "market_cap": "market_cap",
    "change_24h": "price_change_24h",
    "change_7d": "price_change_7d",
    "trader_change_24h": "trader_change_24h",
    "name": "name",
}


SIGNAL_BY_NAME = {label.lower().replace(" ", "_"): value for value, label in Signal.choices}


def grade_filter(field, lookup):
    return django_filters.NumberFilter(
        field_name=field,
        lookup_expr=lookup,
        min_value=0,
        max_value=100,
        label=f"{field.replace('_', ' ').capitalize()} {'at least' if lookup == 'gte' else 'at most'}",
    )


class TokenFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", max_length=100, label="Name or symbol")
    symbol = django_filters.CharFilter(field_name="symbol", lookup_expr="iexact", max_length=30)
    category = django_filters.ModelChoiceFilter(
        field_name="sectors",
        queryset=Sector.objects.all(),
        to_field_name="slug",
        label="Category",
    )
    min_trader = grade_filter("trader_grade", "gte")
    max_trader = grade_filter("trader_grade", "lte")
    min_investor = grade_filter("investor_grade", "gte")
    max_investor = grade_filter("investor_grade", "lte")
    signal = django_filters.ChoiceFilter(
        choices=[(name, Signal(value).label) for name, value in SIGNAL_BY_NAME.items()],
        method="by_signal",
    )
    graded_after = IsoDateFilter(field_name="graded_on", lookup_expr="gte")
    graded_before = IsoDateFilter(field_name="graded_on", lookup_expr="lte")
    stale = StrictBooleanFilter(field_name="is_stale")

    class Meta:
        model = Token
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(symbol__iexact=value) | Q(slug__icontains=value))

    def by_signal(self, queryset, name, value):
        return queryset.filter(signal=SIGNAL_BY_NAME[value])


class DayRangeFilter(django_filters.FilterSet):
    """date_from and date_to, both included, on a per-day table. A range that ends before it
    starts is a valid query that no day matches (the schema cannot bound one parameter by
    another)."""

    date_from = IsoDateFilter(field_name="date", lookup_expr="gte")
    date_to = IsoDateFilter(field_name="date", lookup_expr="lte")


class GradeHistoryFilter(DayRangeFilter):
    class Meta:
        model = GradeDay
        fields = []


class RiskDayFilter(DayRangeFilter):
    class Meta:
        model = RiskDay
        fields = []


def sort_table(queryset, sort):
    """Order by a public sort name (unknown names fall back to market cap); NULLs last."""
    descending = sort.startswith("-")
    field = TABLE_SORTS.get(sort.lstrip("-"))
    if field is None:
        field, descending = "market_cap", True
    expression = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return queryset.order_by(expression, "pk")
