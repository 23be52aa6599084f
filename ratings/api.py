"""Tokens, latest grades and grade history in the public API (/api/v1/)."""

import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Model
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, viewsets
from rest_framework.filters import OrderingFilter

from core import caching

from .filters import GradeHistoryFilter, TokenFilter
from .models import GradeDay, Signal, Token


class SignalField(serializers.CharField):
    def to_representation(self, value):
        return SIGNAL_LABELS.get(value)


class TokenSerializer(serializers.ModelSerializer):
    categories = serializers.SlugRelatedField(source="sectors", many=True, read_only=True, slug_field="slug")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Token
        fields = [
            "slug", "name", "symbol", "chain", "categories", "provider_ids", "launched_on",
            "price", "market_cap", "circulating_supply", "total_supply", "max_supply", "all_time_high",
            "graded_on", "is_stale", "stale_since", "url",
        ]  # fmt: skip

    @extend_schema_field(serializers.URLField())
    def get_url(self, token):
        return self.context["request"].build_absolute_uri(token.get_absolute_url())


SIGNAL_LABELS = dict(Signal.choices)
LATEST_FIELDS = {
    "token": "slug", "symbol": "symbol", "name": "name", "date": "graded_on",
    "trader_grade": "trader_grade", "investor_grade": "investor_grade", "signal": "signal",
    "trader_change_24h": "trader_change_24h", "trader_change_7d": "trader_change_7d",
    "investor_change_24h": "investor_change_24h", "investor_change_7d": "investor_change_7d",
    "price": "price", "price_change_24h": "price_change_24h", "price_change_7d": "price_change_7d",
    "market_cap": "market_cap", "is_stale": "is_stale",
}  # fmt: skip


class LatestGradeSerializer(serializers.Serializer):
    """Reads plain rows (QuerySet.values()): the busiest endpoint skips model instances."""

    token = serializers.SlugField()
    symbol = serializers.CharField()
    name = serializers.CharField()
    date = serializers.DateField()
    trader_grade = serializers.FloatField()
    investor_grade = serializers.FloatField()
    signal = serializers.ChoiceField(choices=list(SIGNAL_LABELS.values()))
    trader_change_24h = serializers.FloatField(allow_null=True)
    trader_change_7d = serializers.FloatField(allow_null=True)
    investor_change_24h = serializers.FloatField(allow_null=True)
    investor_change_7d = serializers.FloatField(allow_null=True)
    price = serializers.FloatField(allow_null=True)
    price_change_24h = serializers.FloatField(allow_null=True)
    price_change_7d = serializers.FloatField(allow_null=True)
    market_cap = serializers.FloatField(allow_null=True)
    is_stale = serializers.BooleanField()

    def to_representation(self, row):
        return latest_grade_row(row)


def latest_grade_row(row):
    data = {name: row[column] for name, column in LATEST_FIELDS.items()}
    data["date"] = row["graded_on"].isoformat()
    data["signal"] = SIGNAL_LABELS.get(row["signal"])
    return data


class GradeDaySerializer(serializers.ModelSerializer):
    signal = SignalField()
    components = serializers.SerializerMethodField()

    class Meta:
        model = GradeDay
        fields = [
            "date", "trader_grade", "investor_grade", "signal", "components",
            "trader_change_24h", "trader_change_7d", "investor_change_24h", "investor_change_7d",
            "price_change_24h", "price_change_7d",
        ]  # fmt: skip

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField(allow_null=True)))
    def get_components(self, grade):
        from .grading import COMPONENTS

        return {c.key: getattr(grade, c.key) for c in COMPONENTS}


class TokenViewSet(viewsets.ReadOnlyModelViewSet):
    """All tokens we track, with their latest prices and supplies."""

    queryset = Token.objects.prefetch_related("sectors")
    serializer_class = TokenSerializer
    lookup_field = "slug"
    filterset_class = TokenFilter
    ordering_fields = ["slug", "name", "symbol"]
    ordering = "slug"


UNFILTERED_PARAMETERS = {"page_size", "cursor", "ordering"}


class LatestGradeViewSet(viewsets.ReadOnlyModelViewSet):
    """Each graded token's latest Trader and Investor Grade (stale tokens keep their last good one)."""

    queryset = Token.objects.exclude(graded_on=None).values(*LATEST_FIELDS.values())
    serializer_class = LatestGradeSerializer
    lookup_field = "slug"
    filterset_class = TokenFilter
    ordering_fields = ["investor_grade", "trader_grade", "slug"]
    ordering = "-investor_grade"

    def list(self, request, *args, **kwargs):
        # Grades change once a day, when a refresh starts a new page-cache generation; until
        # then the same question gets the same answer from the cache (throttling still runs).
        address = hashlib.sha256(self.question(request).encode()).hexdigest()
        key = f"api:grades:{address}"
        # One round trip for both: the entry remembers the generation it was made in, and
        # holds the JSON text it is sent as (JSON is the only format the API speaks), so a
        # hundred rows are not encoded again for every request.
        found = cache.get_many([caching.GENERATION_KEY, key])
        generation = found.get(caching.GENERATION_KEY)
        if generation is None or caching.generation_lost.is_set():
            generation = caching.current_generation()  # None: the cache is unreachable, skip it
        entry = found.get(key)
        content = entry[1] if generation and entry and entry[0] == generation else None
        if content is None:
            # The serializer documents the shape; building rows directly skips a serializer
            # per request, a third of the time on a 100-row page.
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            data = self.get_paginated_response([latest_grade_row(row) for row in page]).data
            renderer = request.accepted_renderer
            content = renderer.render(data, request.accepted_media_type, self.get_renderer_context())
            if generation:
                cache.set(key, (generation, content), settings.API_CACHE_SECONDS)
        return HttpResponse(content, content_type=request.accepted_renderer.media_type)

    def question(self, request):
        """What the request asks, as text: each parameter this endpoint understands at its
        cleaned value (40 and 40.0 are one question), in a fixed order, and nothing else.

        The same question spelt any way shares one cache entry, so a query string padded
        with parameters we ignore cannot fill the cache; an invalid value is refused (400)
        here, before the cache is looked at. What is left, distinct valid questions, is
        bounded by the rate limit times API_CACHE_SECONDS per client.
        """
        queryset = self.get_queryset()
        filters = {}
        # Most callers ask for pages of everything: with no other parameter, no filter has
        # a value, and building the filter form (half of a cached answer's time) is skipped.
        if not set(request.query_params) <= UNFILTERED_PARAMETERS:
            filterset = self.backend(DjangoFilterBackend).get_filterset(request, queryset, self)
            if not filterset.is_valid():
                raise translate_validation(filterset.errors)
            cleaned = filterset.form.cleaned_data
            filters = {name: value for name, value in cleaned.items() if value not in (None, "")}
        ordering = self.backend(OrderingFilter).get_ordering(request, queryset, self)
        page_size = self.paginator.get_page_size(request)
        cursor = self.paginator.decode_cursor(request)  # a cursor that is not ours: 404
        site = request.build_absolute_uri("/")  # the links in the answer start with it
        return json.dumps([site, filters, ordering, page_size, cursor], sort_keys=True, default=_plain)

    def backend(self, kind):
        """The filter backend of this kind that the API is configured with (it validates)."""
        return next(backend for backend in self.filter_backends if issubclass(backend, kind))()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        # A cached page is shared by everyone who asks its question: its next and previous
        # links carry that question's parameters only, never what one caller added.
        known = {*self.filterset_class.base_filters, "ordering", "page_size"}
        query = QueryDict(mutable=True)
        for name in sorted(known & set(self.request.query_params)):
            query.setlist(name, self.request.query_params.getlist(name))
        self.paginator.base_url = self.request.build_absolute_uri(
            f"{self.request.path}?{query.urlencode()}" if query else self.request.path
        )
        return page


def _plain(value):
    """A cleaned filter value as JSON: numbers as numbers, rows by their key, dates as ISO text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Model):
        return value.pk
    return str(value)


@extend_schema(summary="A token's daily grade history")
class GradeHistoryView(generics.ListAPIView):
    """Daily grades of one token with their component scores, newest first."""

    serializer_class = GradeDaySerializer
    filterset_class = GradeHistoryFilter
    ordering_fields = ["date"]
    ordering = "-date"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GradeDay.objects.none()
        token = get_object_or_404(Token, slug=self.kwargs["slug"])
        return GradeDay.objects.filter(token=token)


MATCH_KINDS = ["symbol", "name", "symbol_prefix", "name_prefix", "contains"]


class TokenMatchSerializer(serializers.Serializer):
    """A token found by name or symbol (ratings.search), with its latest grades if it has any."""

    token = serializers.SlugField(source="slug")
    name = serializers.CharField()
    symbol = serializers.CharField()
    match = serializers.SerializerMethodField()
    date = serializers.DateField(source="graded_on", allow_null=True)
    trader_grade = serializers.FloatField(allow_null=True)
    investor_grade = serializers.FloatField(allow_null=True)
    signal = SignalField(allow_null=True)
    market_cap = serializers.FloatField(allow_null=True)
    is_stale = serializers.BooleanField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=MATCH_KINDS))
    def get_match(self, token):
        """How the token matched: the exact symbol, the exact name, a prefix of either, or
        the query inside its name or slug (ratings.search ranks them in this order)."""
        return MATCH_KINDS[token.match_rank]

    @extend_schema_field(serializers.URLField())
    def get_url(self, token):
        return self.context["request"].build_absolute_uri(token.get_absolute_url())
