import pytest
from bs4 import BeautifulSoup

from blog.tests.factories import ArticlePageFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def titles(response):
    cards = BeautifulSoup(response.content, "html.parser").select(".card-title")
    return [card.get_text(strip=True) for card in cards]


@pytest.fixture
def articles(blog_index, settings):
    settings.BLOG_ARTICLES_PER_PAGE = 3
    research = CategoryFactory(name="Research", slug="research")
    basics = CategoryFactory(name="Crypto Basics", slug="crypto-basics")
    created = [
        ArticlePageFactory(parent=blog_index, title=f"Research note {n}", category=research) for n in range(4)
    ]
    created.append(ArticlePageFactory(parent=blog_index, title="What is a wallet", category=basics))
    return created


def test_listing_paginates_newest_first(client, blog_index, articles):
    first = client.get(blog_index.url)
    second = client.get(blog_index.url, {"page": 2})

    assert first.status_code == 200
    assert len(titles(first)) == 3
    assert len(titles(second)) == 2
    assert set(titles(first)).isdisjoint(titles(second))
    assert "Page 1 of 2" in first.content.decode()


def test_listing_filters_by_category(client, blog_index, articles):
    response = client.get(blog_index.url, {"category": "crypto-basics"})
    assert titles(response) == ["What is a wallet"]
    assert '<h1>Crypto Basics</h1>' in response.content.decode()


def test_listing_filters_by_tag(client, blog_index, articles):
    tagged = articles[0]
    tagged.tags.add("depin")
    tagged.save()
    assert titles(client.get(blog_index.url, {"tag": "depin"})) == [tagged.title]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "abc"}, "is not a page number"),
        ({"page": "99"}, "there is no page 99"),
        ({"page": "-1"}, "there is no page -1"),
        ({"category": "no-such-thing"}, "There is no category called"),
    ],
)
def test_bad_listing_parameters_get_a_clear_404(client, blog_index, articles, params, message):
    response = client.get(blog_index.url, params)
    assert response.status_code == 404
    assert message in response.content.decode()


def test_unknown_article_slug_is_a_clear_404(client, blog_index):
    response = client.get(blog_index.url + "no-such-article/")
    assert response.status_code == 404
    assert "We could not find <code>/blog/no-such-article/</code>" in response.content.decode()


def test_draft_article_is_not_served(client, blog_index):
    draft = ArticlePageFactory(parent=blog_index, live=False)
    assert client.get(blog_index.url + draft.slug + "/").status_code == 404


def test_unknown_author_is_a_404(client, db):
    assert client.get("/authors/nobody/").status_code == 404


def test_search_finds_articles_by_body_text(client, blog_index, articles):
    response = client.get("/search/", {"q": "wallet"})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert [a.get_text() for a in soup.select(".search-results h2 a")] == ["What is a wallet"]


def test_search_without_results_says_so(client, blog_index, articles):
    response = client.get("/search/", {"q": "zzzzqqq"})
    assert response.status_code == 200
    assert "No results for" in response.content.decode()


def test_overlong_search_is_refused_with_400(client, blog_index):
    response = client.get("/search/", {"q": "x" * 5000})
    assert response.status_code == 400
    assert "limited to 200 characters" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE wagtailcore_page; --", '" OR 1=1 --', "NOT", "%_\\", "&|!():*", "''"]
)
def test_sql_like_search_is_just_text(client, blog_index, articles, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert client.get(blog_index.url).status_code == 200  # nothing was dropped


def test_search_bad_page_is_404(client, blog_index, articles):
    assert client.get("/search/", {"q": "research", "page": "abc"}).status_code == 404


def test_stored_search_shows_the_words_as_typed(client, blog_index, articles, settings):
    settings.FRAGMENT_CACHE_SECONDS = 3600
    assert "“Research note”" in client.get("/search/", {"q": "Research note"}).content.decode()
    again = client.get("/search/", {"q": "research NOTE"}).content.decode()
    assert "“research NOTE”" in again and "Research note 1" in again
