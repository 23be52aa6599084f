"""GET /api/v1/search/?q=: what the site search shows, as JSON: tokens by name or symbol
(exact symbol first, with their latest grades), then the articles that match."""

import re

from django.conf import settings
from django.core.cache import cache
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from blog.models import ArticlePage
from core import caching
from core.views import search_terms
from ratings.api import TokenMatchSerializer
from ratings.search import MAX_QUERY_LENGTH, matching_tokens

from .articles import ArticleSerializer
from .errors import invalid

DEFAULT_LIMIT, MAX_LIMIT = 10, 50


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    tokens = TokenMatchSerializer(many=True)
    articles = ArticleSerializer(many=True)


@extend_schema(
    summary="Search tokens and articles",
    parameters=[
        OpenApiParameter(
            "q",
            {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_LENGTH},
            required=True,
            description="A token's name or symbol (any case; prefixes match), or words from articles.",
        ),
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            description=f"At most this many tokens and this many articles (default {DEFAULT_LIMIT}).",
        ),
    ],
    responses=SearchResultSerializer,
)
class SearchView(generics.GenericAPIView):
    """Tokens whose symbol or name matches, exact symbol matches first (symbols are not
    unique), then larger market caps; and the published articles that match, best first."""

    pagination_class = None
    filter_backends = []
    serializer_class = SearchResultSerializer

    def get(self, request):
        query = request.query_params.get("q", "")
        if not query:
            raise invalid("q", "Say what to look for: a token's name or symbol, or some words.")
        if len(query) > MAX_QUERY_LENGTH:
            raise invalid("q", f"At most {MAX_QUERY_LENGTH} characters; this one has {len(query):,}.")
        limit = request.query_params.get("limit", "")
        if limit == "":
            limit = DEFAULT_LIMIT
        elif re.fullmatch(r"[0-9]{1,3}", limit) and 1 <= int(limit) <= MAX_LIMIT:
            limit = int(limit)
        else:
            raise invalid("limit", f"Enter a whole number from 1 to {MAX_LIMIT}.")
        # Matches change only when a refresh or a publish starts a new generation; until
        # then the same search (valid: invalid ones were refused above) comes from the cache.
        key = None
        if settings.API_CACHE_SECONDS:
            key = caching.fragment_key(request, "api-search", request.build_absolute_uri("/"), query, limit)
        data = cache.get(key) if key else None
        if data is None:
            data = self.search(request, query, limit)
            if key:
                cache.set(key, data, settings.API_CACHE_SECONDS)
        return Response(data)

    def search(self, request, query, limit):
        terms = search_terms(query)
        articles = (
            ArticlePage.objects.live()
            .public()
            .defer_streamfields()
            .select_related("category")
            .prefetch_related("tags", "article_authors__author")
            .search(terms)[:limit]
            if terms
            else []
        )
        found = {"query": query, "tokens": matching_tokens(query, limit), "articles": list(articles)}
        return SearchResultSerializer(found, context={"request": request}).data
