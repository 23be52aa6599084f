"""Award programs and results in the public API, under /api/v1/awards/.

Self-contained: JSON only and no pagination (a program has a handful of categories),
so the views behave the same whatever the project-wide DRF defaults are; those
defaults still decide authentication and throttling.
"""

from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from awards import results
from awards.models import Category, Program


class CategorySerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    results_visible = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    results_url = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = [
            "slug",
            "title",
            "description",
            "opens_at",
            "closes_at",
            "status",
            "results_policy",
            "results_visible",
            "allow_change",
            "url",
            "results_url",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=["upcoming", "open", "closed"]))
    def get_status(self, category):
        if category.is_open():
            return "open"
        return "closed" if category.has_closed() else "upcoming"

    def get_results_visible(self, category) -> bool:
        return category.results_visible()

    @extend_schema_field(serializers.URLField())
    def get_url(self, category):
        return self.context["request"].build_absolute_uri(category.get_absolute_url())

    @extend_schema_field(serializers.URLField())
    def get_results_url(self, category):
        path_ = reverse(
            "awards-api:results", kwargs={"program": category.program.slug, "category": category.slug}
        )
        return self.context["request"].build_absolute_uri(path_)


class ProgramSerializer(serializers.ModelSerializer):
    categories = CategorySerializer(many=True, read_only=True)

    class Meta:
        model = Program
        fields = ["slug", "title", "intro", "categories"]


class StandingSerializer(serializers.Serializer):
    """Documents results.Standings.as_dict() for the schema."""

    rank = serializers.IntegerField()
    nominee = serializers.CharField()
    votes = serializers.IntegerField()
    share = serializers.CharField(help_text="Percent of the votes, one decimal, as text (they sum to 100.0).")
    summary = serializers.CharField()


class ResultsSerializer(serializers.Serializer):
    category = serializers.CharField()
    program = serializers.CharField()
    total_votes = serializers.IntegerField()
    final = serializers.BooleanField()
    results = StandingSerializer(many=True)


class AwardsAPIView(APIView):
    renderer_classes = [JSONRenderer]
    pagination_class = None


class ProgramList(AwardsAPIView):
    @extend_schema(responses=ProgramSerializer(many=True), operation_id="awards_programs_list")
    def get(self, request):
        programs = Program.objects.prefetch_related("categories__program")
        return Response(ProgramSerializer(programs, many=True, context={"request": request}).data)


class ProgramDetail(AwardsAPIView):
    @extend_schema(responses=ProgramSerializer)
    def get(self, request, program):
        program = get_object_or_404(Program.objects.prefetch_related("categories__program"), slug=program)
        return Response(ProgramSerializer(program, context={"request": request}).data)


class CategoryResults(AwardsAPIView):
    # Read by the API's schema (api.schema.AutoSchema), which documents the error body.
    error_responses = {403: "The category hides its results until voting closes."}

    @extend_schema(responses=ResultsSerializer)
    def get(self, request, program, category):
        category = get_object_or_404(
            Category.objects.select_related("program"), program__slug=program, slug=category
        )
        if not category.results_visible():
            raise PermissionDenied(
                f"Results are hidden until voting closes at {category.closes_at.isoformat()}."
            )
        response = Response(results.for_category(category).as_dict())
        response["Cache-Control"] = "no-cache"
        return response


app_name = "awards-api"
urlpatterns = [
    path("programs/", ProgramList.as_view(), name="programs"),
    path("programs/<slug:program>/", ProgramDetail.as_view(), name="program"),
    path(
        "programs/<slug:program>/categories/<slug:category>/results/",
        CategoryResults.as_view(),
        name="results",
    ),
]
