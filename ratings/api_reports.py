"""The track record, the market overview and per-token risk figures in the public API.

The track record and the overview are the documents the last refresh stored
(ratings/reports.py): one row read per request. Risk figures are one row per token and
day, newest first, with cursor pagination.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from . import market, reports, risk, track_record
from .filters import RiskDayFilter
from .models import RiskDay, Token

ERROR = inline_serializer(
    "ApiError",
    {
        "error": inline_serializer(
            "ApiErrorDetail",
            {
                "status": serializers.IntegerField(),
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "details": serializers.DictField(required=False),
            },
        )
    },
)


def error_responses(*statuses):
    described = {
        400: "A parameter is invalid; the message says which and why.",
        404: "Nothing stored for this (unknown token, or no refresh has run yet).",
        429: "Too many requests: the message says when to try again.",
    }
    return {status: OpenApiResponse(ERROR, description=described[status]) for status in statuses}


class HorizonFiguresSerializer(serializers.Serializer):
    observations = serializers.IntegerField(help_text="Token-days in the group with a forward return.")
    cohort_days = serializers.IntegerField(help_text="Days on which the group had members.")
    mean_return = serializers.FloatField(
        allow_null=True, help_text="Mean of daily cohort returns (0.05 = 5%)."
    )
    excess_vs_equal_weighted = serializers.FloatField(allow_null=True)
    excess_vs_market = serializers.FloatField(allow_null=True)
    hit_rate = serializers.FloatField(
        allow_null=True, help_text="Share of token-days that beat the equal-weighted universe."
    )


class GroupSerializer(serializers.Serializer):
    label = serializers.CharField(help_text='A grade band ("80-100") or a signal ("Strong Buy").')
    horizons = serializers.DictField(child=HorizonFiguresSerializer(), help_text="Keyed by days: 7, 30, 90.")


class BenchmarkSerializer(serializers.Serializer):
    equal_weighted = serializers.FloatField(allow_null=True)
    market = serializers.FloatField(allow_null=True)
    cohort_days = serializers.IntegerField()
    observations = serializers.IntegerField()


class GroupsSerializer(serializers.Serializer):
    trader = GroupSerializer(many=True, required=False)
    investor = GroupSerializer(many=True, required=False)
    signal = GroupSerializer(many=True, required=False)


class SpreadSerializer(serializers.Serializer):
    horizon = serializers.IntegerField()
    dates = serializers.ListField(child=serializers.DateField())
    trader = serializers.ListField(child=serializers.FloatField(allow_null=True))
    investor = serializers.ListField(child=serializers.FloatField(allow_null=True))


class TrackRecordSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The refresh that computed it.")
    first_day = serializers.DateField(allow_null=True)
    last_day = serializers.DateField(allow_null=True)
    tokens = serializers.IntegerField()
    graded_days = serializers.IntegerField()
    horizons = serializers.ListField(child=serializers.IntegerField())
    benchmarks = serializers.DictField(child=BenchmarkSerializer())
    groups = GroupsSerializer()
    spread = SpreadSerializer()
    methodology = serializers.ListField(child=serializers.CharField())


class TrackRecordQuery(serializers.Serializer):
    horizon = serializers.ChoiceField(
        choices=list(track_record.HORIZONS), required=False, help_text="Only this holding period, in days."
    )
    grouping = serializers.ChoiceField(
        choices=list(track_record.GROUPINGS), required=False, help_text="Only this grouping."
    )


def _latest_or_404():
    report = reports.latest_report()
    if report is None:
        raise NotFound("Nothing computed yet: the daily refresh computes this once grades are stored.")
    return report


def _query(serializer_class, request):
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


class TrackRecordView(APIView):
    """Forward returns after the grades as they were published: by Trader Grade band,
    Investor Grade band and signal, against the equal-weighted universe and the market."""

    @extend_schema(
        summary="The grades' track record",
        parameters=[TrackRecordQuery],
        responses={200: TrackRecordSerializer, **error_responses(400, 404, 429)},
    )
    def get(self, request):
        asked = _query(TrackRecordQuery, request)
        report = _latest_or_404()
        record = report.track_record
        horizons = [str(asked["horizon"])] if "horizon" in asked else [str(h) for h in record["horizons"]]
        groupings = [asked["grouping"]] if "grouping" in asked else list(record["groups"])
        data = {
            "date": report.date.isoformat(),
            **{key: record[key] for key in ("first_day", "last_day", "tokens", "graded_days")},
            "horizons": [int(h) for h in horizons],
            "benchmarks": {h: record["benchmarks"][h] for h in horizons},
            "groups": {
                name: [
                    {"label": group["label"], "horizons": {h: group["horizons"][h] for h in horizons}}
                    for group in record["groups"][name]
                ]
                for name in groupings
            },
            "spread": record["spread"],
            "methodology": track_record.methodology(),
        }
        return Response(data)


class MoverSerializer(serializers.Serializer):
    token = serializers.SlugField()
    name = serializers.CharField()
    symbol = serializers.CharField()
    change = serializers.FloatField(help_text="Price change over the period (0.05 = 5%).")
    price = serializers.FloatField()
    market_cap = serializers.FloatField()


class MoversSerializer(serializers.Serializer):
    up = MoverSerializer(many=True)
    down = MoverSerializer(many=True)


class SectorSerializer(serializers.Serializer):
    sector = serializers.SlugField()
    name = serializers.CharField()
    tokens = serializers.IntegerField()
    returns = serializers.DictField(
        child=serializers.FloatField(allow_null=True), help_text="Cap-weighted return keyed 1d, 7d, 30d, 90d."
    )


class MarketLatestSerializer(serializers.Serializer):
    total_market_cap = serializers.FloatField(allow_null=True)
    total_volume = serializers.FloatField(allow_null=True)
    above_50d_average = serializers.FloatField(allow_null=True)
    above_200d_average = serializers.FloatField(allow_null=True)
    high_trader_grade_share = serializers.FloatField(allow_null=True)


class MarketSeriesSerializer(serializers.Serializer):
    dates = serializers.ListField(child=serializers.DateField())
    total_market_cap = serializers.ListField(child=serializers.FloatField(allow_null=True))
    total_volume = serializers.ListField(child=serializers.FloatField(allow_null=True))
    above_50d_average = serializers.ListField(child=serializers.FloatField(allow_null=True))
    above_200d_average = serializers.ListField(child=serializers.FloatField(allow_null=True))
    high_trader_grade_share = serializers.ListField(child=serializers.FloatField(allow_null=True))
    regime = serializers.ListField(
        child=serializers.ChoiceField(choices=["bull", "bear", "neutral"], allow_null=True)
    )


class MarketSerializer(serializers.Serializer):
    date = serializers.DateField(allow_null=True)
    regime = serializers.ChoiceField(choices=["bull", "bear", "neutral"], allow_null=True)
    regime_rule = serializers.CharField()
    high_trader_grade = serializers.FloatField()
    latest = MarketLatestSerializer()
    series = MarketSeriesSerializer()
    sectors = SectorSerializer(many=True)
    sector_periods = serializers.ListField(child=serializers.CharField())
    movers = serializers.DictField(child=MoversSerializer(), help_text="Keyed 24h and 7d.")


class MarketQuery(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=1, max_value=reports.ANALYSIS_DAYS, required=False,
        help_text="Days of the series to return, the latest last (default: all stored).",
    )  # fmt: skip


class MarketView(APIView):
    """The whole market: total cap and volume over time, breadth, the share of high Trader
    Grades, the bull/bear regime with its rule, sector returns and the biggest movers."""

    @extend_schema(
        summary="Market overview",
        parameters=[MarketQuery],
        responses={200: MarketSerializer, **error_responses(400, 404, 429)},
    )
    def get(self, request):
        asked = _query(MarketQuery, request)
        overview = dict(_latest_or_404().market)
        overview["regime_rule"] = market.REGIME_RULE
        if "days" in asked:
            days = asked["days"]
            overview["series"] = {name: values[-days:] for name, values in overview["series"].items()}
        return Response(overview)


class RiskDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskDay
        fields = ["date", *risk.FIELDS]


@extend_schema(
    summary="A token's daily risk figures",
    description=risk.RISK_METHOD,
    parameters=[
        OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, pattern="^[-a-zA-Z0-9_]+$")
    ],
    responses={200: RiskDaySerializer(many=True), **error_responses(400, 404, 429)},
)
class RiskView(generics.ListAPIView):
    """Volatility, Sharpe, Sortino, maximum drawdown, 95% value at risk and beta over 30, 90
    and 365 days, with support and resistance; one row per day, newest first."""

    serializer_class = RiskDaySerializer
    filterset_class = RiskDayFilter
    ordering_fields = ["date"]
    ordering = "-date"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RiskDay.objects.none()
        token = get_object_or_404(Token, slug=self.kwargs["slug"])
        return RiskDay.objects.filter(token=token)
