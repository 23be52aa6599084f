import warnings

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import CacheKeyWarning
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from blog.tests.factories import ArticlePageFactory, CategoryFactory
from core.caching import AnonymousPageCacheMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def test_second_anonymous_request_is_served_from_cache_without_queries(client, blog_index):
    article = ArticlePageFactory(parent=blog_index)
    assert client.get(article.url)["X-Page-Cache"] == "miss"

    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.url)

    assert response["X-Page-Cache"] == "hit"
    assert article.title in response.content.decode()
    assert len(queries) == 0


def test_publishing_a_change_shows_on_the_next_anonymous_request(client, blog_index):
    article = ArticlePageFactory(parent=blog_index, title="First title")
    client.get(article.url)
    client.get(blog_index.url)

    article.title = "Corrected title"
    article.save_revision().publish()

    assert "Corrected title" in client.get(article.url).content.decode()
    assert "Corrected title" in client.get(blog_index.url).content.decode()


def test_unpublishing_shows_on_the_next_anonymous_request(client, blog_index):
    article = ArticlePageFactory(parent=blog_index)
    assert client.get(article.url).status_code == 200
    assert article.title in client.get(blog_index.url).content.decode()

    article.unpublish()

    assert client.get(article.url).status_code == 404
    assert article.title not in client.get(blog_index.url).content.decode()


def test_publishing_a_new_article_shows_in_the_cached_listing(client, blog_index):
    client.get(blog_index.url)
    fresh = ArticlePageFactory(parent=blog_index, live=False, title="Fresh off the desk")
    fresh.save_revision().publish()
    assert "Fresh off the desk" in client.get(blog_index.url).content.decode()


def test_snippet_changes_invalidate_cached_pages(client, blog_index):
    category = CategoryFactory(name="Research")
    article = ArticlePageFactory(parent=blog_index, category=category)
    client.get(article.url)
    category.name = "Deep Research"
    category.save()
    assert "Deep Research" in client.get(article.url).content.decode()


def test_signed_in_users_are_never_served_or_stored(client, blog_index):
    article = ArticlePageFactory(parent=blog_index)
    client.force_login(get_user_model().objects.create_user("reader", password="x"))
    first = client.get(article.url)
    second = client.get(article.url)
    assert "X-Page-Cache" not in first
    assert "X-Page-Cache" not in second


def test_responses_holding_a_csrf_token_are_not_stored():
    def view_with_form(request):
        return HttpResponse(f"<input name=csrfmiddlewaretoken value={get_token(request)}>")

    middleware = AnonymousPageCacheMiddleware(view_with_form)
    first = middleware(RequestFactory().get("/form/"))
    second = middleware(RequestFactory().get("/form/"))
    assert first.get("X-Page-Cache") is None
    assert second.get("X-Page-Cache") is None


@pytest.fixture
def fragments_on(settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 300


def test_cached_fragments_spare_the_queries_for_body_and_cards(client, blog_index, fragments_on):
    article = ArticlePageFactory(parent=blog_index)
    ArticlePageFactory(parent=blog_index)
    client.get(article.url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.url)

    assert article.title in response.content.decode()
    assert "Recent Posts" in response.content.decode()
    assert len(queries) <= 5  # site, home, route, article, view restrictions


def test_publishing_retires_cached_fragments(client, blog_index, fragments_on):
    article = ArticlePageFactory(parent=blog_index, summary="Old summary")
    neighbour = ArticlePageFactory(parent=blog_index, title="Neighbour")
    client.get(article.url)

    article.summary = "New summary"
    article.save_revision().publish()
    neighbour.title = "Renamed neighbour"
    neighbour.save_revision().publish()

    html = client.get(article.url).content.decode()
    assert "New summary" in html
    assert "Renamed neighbour" in html


def test_previews_never_use_cached_fragments(client, blog_index, fragments_on):
    article = ArticlePageFactory(parent=blog_index, summary="Published summary")
    client.get(article.url)
    article.summary = "Draft summary"

    response = article.make_preview_request()

    assert "Draft summary" in response.content.decode()


def test_articles_with_live_blocks_are_never_served_from_fragments(
    client, blog_index, fragments_on, settings
):
    from awards import voting
    from awards.tests.factories import ballot_for, category_with
    from blog.tests.factories import body

    settings.AWARDS_RESULTS_CACHE_SECONDS = 0
    category, (depin, ai) = category_with("DePIN", "AI", title="Narratives")
    voting.confirm(ballot_for(ai, email="first@example.com"))
    results = ("award_results", {"category": category.pk, "heading": "Live results"})
    live = ArticlePageFactory(parent=blog_index, body=body(results))
    assert not live.body_is_static
    assert "100.0%" in client.get(live.url).content.decode()

    voting.confirm(ballot_for(depin, email="second@example.com"))  # no publish happens

    assert "50.0%" in client.get(live.url).content.decode()

def test_api_responses_are_never_page_cached_so_rate_limits_count_each_request(client, db):
    first = client.get("/api/v1/")
    second = client.get("/api/v1/")
    assert first.get("X-Page-Cache") is None and second.get("X-Page-Cache") is None


def test_long_urls_are_cached_under_a_fixed_length_key(client, blog_index):
    long_query = "x" * 400
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)  # keys over 250 characters warn
        client.get(blog_index.url, {"tag": long_query})
        assert client.get(blog_index.url, {"tag": long_query})["X-Page-Cache"] == "hit"


def test_a_new_site_root_is_served_at_once(client, blog_index, home):
    from wagtail.models import Page, Site

    from blog.tests.factories import HomePageFactory

    client.get("/")
    new_home = HomePageFactory(parent=Page.get_first_root_node(), title="New front page", slug="new-home")
    Site.objects.filter(pk=Site.objects.get(is_default_site=True).pk).update(root_page=new_home)
    Site.objects.get(is_default_site=True).save()  # saving a site starts a new generation

    assert "New front page" in client.get("/").content.decode()


def test_emptying_the_cache_never_revives_an_old_generation(db):
    from django.core.cache import cache

    from core.caching import current_generation, invalidate

    before = current_generation()
    invalidate()
    cache.clear()
    assert current_generation() not in (before, None)


def test_making_an_article_private_takes_effect_at_once(client, blog_index, settings):
    from wagtail.models import PageViewRestriction

    settings.FRAGMENT_CACHE_SECONDS = 300
    article = ArticlePageFactory(parent=blog_index, title="Members only soon")
    assert client.get(article.url).status_code == 200

    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)

    assert client.get(article.url).status_code == 302  # to the login page
    assert "Members only soon" not in client.get(blog_index.url).content.decode()
