"""Tokens, latest grades and grade history in the public API (/api/v1/)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, viewsets

from .filters import GradeHistoryFilter, TokenFilter
from .models import GradeDay, Token


class SignalField(serializers.CharField):
    def to_representation(self, value):
        return GradeDay(signal=value).signal_label if value else None


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


class LatestGradeSerializer(serializers.ModelSerializer):
    token = serializers.CharField(source="slug")
    date = serializers.DateField(source="graded_on")
    signal = SignalField(allow_null=True)

    class Meta:
        model = Token
        fields = [
            "token", "symbol", "name", "date", "trader_grade", "investor_grade", "signal",
            "trader_change_24h", "trader_change_7d", "investor_change_24h", "investor_change_7d",
            "price", "price_change_24h", "price_change_7d", "market_cap", "is_stale",
        ]  # fmt: skip


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


class LatestGradeViewSet(viewsets.ReadOnlyModelViewSet):
    """Each graded token's latest Trader and Investor Grade (stale tokens keep their last good one)."""

    queryset = Token.objects.exclude(graded_on=None)
    serializer_class = LatestGradeSerializer
    lookup_field = "slug"
    filterset_class = TokenFilter
    ordering_fields = ["investor_grade", "trader_grade", "slug"]
    ordering = "-investor_grade"


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
