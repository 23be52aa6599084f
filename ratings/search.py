"""Finding tokens by name or symbol, for the site search, the API and the MCP server.

A token matches when its symbol is the query or starts with it, or its name or slug
contains it, all case-insensitively. Exact symbol matches come first (symbols are not
unique: several may match), then an exact name, then symbol prefixes, then name prefixes,
then the rest; within each, the largest market cap first. One query.
"""

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.http import QueryDict
from django.urls import reverse

from core.search import SearchSection

from .models import Token

MAX_QUERY_LENGTH = 100
SITE_SEARCH_TOKENS = 8


def cleaned(query):
    """The query as matched: printable characters only (a NUL cannot reach the database),
    spaces collapsed, at most MAX_QUERY_LENGTH characters."""
    printable = "".join(ch if ch.isprintable() else " " for ch in query)
    return " ".join(printable.split())[:MAX_QUERY_LENGTH]


def matching_tokens(query, limit):
    """The best ``limit`` tokens for ``query``, best first (a list; empty for an empty query)."""
    query = cleaned(query)
    if not query:
        return []
    rank = Case(
        When(symbol__iexact=query, then=Value(0)),
        When(name__iexact=query, then=Value(1)),
        When(symbol__istartswith=query, then=Value(2)),
        When(name__istartswith=query, then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )
    matches = Q(symbol__istartswith=query) | Q(name__icontains=query) | Q(slug__icontains=query)
    return list(
        Token.objects.filter(matches)
        .annotate(match_rank=rank)
        .order_by("match_rank", F("market_cap").desc(nulls_last=True), "slug")[:limit]
    )


def site_search_section(query):
    """The site search's token section: up to SITE_SEARCH_TOKENS tokens with their grades."""
    tokens = matching_tokens(query, SITE_SEARCH_TOKENS + 1)
    more = len(tokens) > SITE_SEARCH_TOKENS
    return SearchSection(
        template="ratings/includes/search_tokens.html",
        hits=tokens[:SITE_SEARCH_TOKENS],
        more_url=f"{reverse('ratings:table')}?{_query_string(query)}" if more else "",
    )


def _query_string(query):
    params = QueryDict(mutable=True)
    params["q"] = cleaned(query)
    return params.urlencode()
