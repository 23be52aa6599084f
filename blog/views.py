from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from blog.models import ArticlePage, Author
from blog.models.pages import article_cards
from core.pagination import page_or_404

RESULTS_PER_PAGE = 10


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
