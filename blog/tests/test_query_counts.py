"""The article index and search answer in a small, fixed number of queries, cold (the first
render after a publish) and warm, whatever the page size or the number of results."""

import pytest

from blog.tests.factories import ArticlePageFactory, AuthorFactory, CategoryFactory, ImageFactory
from core.tests.queries import cold_and_warm

pytestmark = pytest.mark.django_db

INDEX_COLD, INDEX_WARM = 9, 0
SEARCH_COLD, SEARCH_WARM = 6, 0  # one of them finds tokens (ratings, through core.search)


@pytest.fixture
def many_articles(blog_index):
    """24 articles in four categories, each with a cover and two authors."""
    categories = [CategoryFactory(name=f"Desk {n}") for n in range(4)]
    authors = AuthorFactory.create_batch(3)
    return [
        ArticlePageFactory(
            parent=blog_index,
            title=f"Stablecoin reserves note {n}",
            category=categories[n % 4],
            cover_image=ImageFactory(),
            authors=[authors[n % 3], authors[(n + 1) % 3]],
        )
        for n in range(24)
    ]


@pytest.mark.parametrize("per_page", [3, 12])
def test_article_index_queries_do_not_grow_with_the_page(
    client, blog_index, many_articles, settings, per_page
):
    settings.BLOG_ARTICLES_PER_PAGE = per_page
    cold, warm = cold_and_warm(client, blog_index.url, settings)
    assert (cold, warm) == (INDEX_COLD, INDEX_WARM)


@pytest.mark.parametrize("matches", [2, 24])
def test_search_queries_do_not_grow_with_the_results(client, blog_index, settings, matches):
    authors = AuthorFactory.create_batch(2)
    for n in range(matches):
        ArticlePageFactory(
            parent=blog_index, title=f"Stablecoin reserves {n}", cover_image=ImageFactory(), authors=authors
        )
    ArticlePageFactory(parent=blog_index, title="Bitcoin halving cycles")
    cold, warm = cold_and_warm(client, "/search/?q=stablecoin+reserves", settings)
    assert (cold, warm) == (SEARCH_COLD, SEARCH_WARM)
