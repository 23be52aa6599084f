"""Published articles in the public API (read-only)."""

import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from blog.models import ArticlePage, Category
from core.filters import IsoDateFilter, StrictBooleanFilter


class ArticleFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        field_name="category", queryset=Category.objects.all(), to_field_name="slug", label="Category"
    )
    tag = django_filters.CharFilter(field_name="tags__slug", max_length=100)
    date_from = IsoDateFilter(field_name="date", lookup_expr="gte")
    date_to = IsoDateFilter(field_name="date", lookup_expr="lte")
    sponsored = StrictBooleanFilter()

    class Meta:
        model = ArticlePage
        fields = []


class ArticleSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    category = serializers.CharField(source="category.name")
    authors = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()

    class Meta:
        model = ArticlePage
        fields = [
            "slug", "title", "summary", "date", "category", "authors", "tags",
            "reading_minutes", "sponsored", "sponsor_name", "url",
        ]  # fmt: skip

    @extend_schema_field(serializers.URLField())
    def get_url(self, page):
        return self.context["request"].build_absolute_uri(page.url)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_authors(self, page):
        return [link.author.name for link in page.article_authors.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, page):
        return [tag.name for tag in page.tags.all()]


class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    """Published, public research articles, newest first. Sponsored ones say so."""

    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter
    lookup_field = "slug"
    ordering_fields = ["date"]
    ordering = "-date"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no query
            return ArticlePage.objects.none()
        return (
            ArticlePage.objects.live()
            .public()
            .defer_streamfields()
            .select_related("category")
            .prefetch_related("tags", "article_authors__author")
        )
