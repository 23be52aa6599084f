import re

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from wagtail.models import Page

from blog.models import ArticlePage, Author
from blog.models.pages import article_cards
from research_site.pagination import page_or_404

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10


def search_terms(query):
    """Plain lower-case words: punctuation and operator words mean nothing to our readers,
    and SQLite's full-text syntax would reject some of them."""
    return " ".join(word.lower() for word in re.findall(r"\w+", query))


def search(request):
    """Site search over every live, public page type that declares search fields."""
    query = request.GET.get("q", "").strip()
    context = {"search_query": query, "max_query_length": MAX_QUERY_LENGTH}
    if len(query) > MAX_QUERY_LENGTH:
        context["error"] = (
            f"Search terms are limited to {MAX_QUERY_LENGTH} characters; "
            f"yours had {len(query):,}. Try a few distinctive words."
        )
        context["search_query"] = query[:MAX_QUERY_LENGTH]
        return render(request, "blog/search.html", context, status=400)

    terms = search_terms(query)
    if query and not terms:
        context["results"] = []
    elif terms:
        results = Page.objects.live().public().specific().search(terms)
        paginator = Paginator(results, RESULTS_PER_PAGE)
        context["results"] = page_or_404(paginator, request.GET.get("page", "1"))
    return render(request, "blog/search.html", context)


def author_detail(request, slug):
    author = get_object_or_404(Author.objects.select_related("avatar"), slug=slug)
    articles = article_cards(ArticlePage.objects.filter(article_authors__author=author)).order_by(
        "-date", "-pk"
    )
    paginator = Paginator(articles, RESULTS_PER_PAGE)
    return render(
        request,
        "blog/author_detail.html",
        {"author": author, "articles": page_or_404(paginator, request.GET.get("page", "1"), "articles")},
    )
