"""What a shared cache in front of the app may keep: the Cache-Control and Vary every kind
of answer leaves with (core.edge)."""

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from api.models import ApiKey
from blog.tests.factories import ArticlePageFactory
from core.edge import CacheControlMiddleware

pytestmark = pytest.mark.django_db

PUBLIC = "public, max-age=60, s-maxage=300, stale-while-revalidate=60, stale-if-error=86400"


@pytest.fixture(autouse=True)
def edge_settings(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.BROWSER_CACHE_SECONDS = 60
    settings.EDGE_CACHE_SECONDS = 300
    settings.EDGE_STALE_WHILE_REVALIDATE_SECONDS = 60
    settings.EDGE_STALE_IF_ERROR_SECONDS = 86400
    settings.EDGE_API_CACHE_SECONDS = 30


def directives(response):
    return {part.strip().split("=")[0] for part in response["Cache-Control"].split(",")}


def is_private(response):
    return {"private", "no-store"} <= directives(response)


def varies_on(response):
    return {field.strip().lower() for field in response.get("Vary", "").split(",") if field.strip()}


def test_public_pages_may_be_kept_by_the_edge_and_do_not_vary_on_cookies(client, blog_index):
    article = ArticlePageFactory(parent=blog_index)
    for path in (article.url, blog_index.url, "/", "/sitemap.xml", "/robots.txt"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == PUBLIC, path
        assert "cookie" not in varies_on(response), path

    # The page cache's copy leaves with the same header, and analytics cookies change nothing.
    client.cookies["_ga"] = "GA1.1.123.456"
    again = client.get(article.url)
    assert again["X-Page-Cache"] == "hit"
    assert again["Cache-Control"] == PUBLIC
    assert "cookie" not in varies_on(again)


def test_the_edge_lifetimes_come_from_the_settings(client, blog_index, settings):
    settings.EDGE_CACHE_SECONDS = 900
    settings.BROWSER_CACHE_SECONDS = 0
    response = client.get(blog_index.url)
    assert "s-maxage=900" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]

    settings.EDGE_CACHE_SECONDS = 0  # switched off: nothing may be kept
    assert client.get(blog_index.url)["Cache-Control"] == "no-cache"


def test_a_signed_in_readers_pages_are_private(client, blog_index):
    article = ArticlePageFactory(parent=blog_index)
    client.force_login(get_user_model().objects.create_user("reader", password="x"))
    for path in (article.url, "/", "/search/?q=token"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert is_private(response), (path, response["Cache-Control"])
        assert "public" not in directives(response) and "s-maxage" not in directives(response)
        assert "cookie" in varies_on(response), path


def test_the_admins_and_previews_are_private(admin_client, blog_index):
    article = ArticlePageFactory(parent=blog_index)
    for path in ("/admin/", f"/admin/pages/{article.pk}/edit/", "/django-admin/"):
        response = admin_client.get(path)
        assert response.status_code == 200, path
        assert is_private(response), (path, response["Cache-Control"])

    draft = admin_client.get(f"/admin/pages/{article.pk}/view_draft/")
    assert draft.status_code == 200 and is_private(draft)
    # Wagtail renders a preview through the whole middleware chain, marked is_preview.
    preview = article.make_preview_request()
    assert preview.status_code == 200 and is_private(preview)


def test_the_admin_login_page_is_private_even_before_signing_in(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert is_private(response)


@pytest.mark.parametrize(
    "path",
    [
        "/email/confirm/not-a-token/",  # newsletter email links
        "/email/preferences/not-a-token/",
        "/email/unsubscribe/not-a-token/",
        "/email/subscribe/sent/",
        "/awards/vote/not-a-link/",  # vote confirmation links
        "/api/keys/",  # API key pages
        "/api/keys/confirm/not-a-token/",
        "/healthz",
    ],
)
def test_link_pages_and_key_pages_are_private_whatever_they_answer(client, path):
    response = client.get(path)
    assert response.status_code < 500, path
    assert is_private(response), (path, response.status_code, response["Cache-Control"])


def test_posts_are_private(client):
    response = client.post("/email/subscribe/", {"email": "x@example.com"}, HTTP_ACCEPT="application/json")
    assert is_private(response)


def test_the_anonymous_api_is_kept_briefly_and_keyed_calls_never(client, settings):
    anonymous = client.get("/api/v1/grades/")
    assert anonymous.status_code == 200
    assert "public" in directives(anonymous) and "s-maxage=30" in anonymous["Cache-Control"]
    assert "max-age=30" in anonymous["Cache-Control"]  # never longer in a browser than at the edge

    _, raw = ApiKey.issue("dev@example.com", "nonce-edge")
    for headers in ({"HTTP_X_API_KEY": raw}, {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}):
        keyed = client.get("/api/v1/grades/", **headers)
        assert keyed.status_code == 200
        assert is_private(keyed), keyed["Cache-Control"]
    assert is_private(client.get("/api/v1/grades/", HTTP_X_API_KEY="wrong"))

    settings.EDGE_API_CACHE_SECONDS = 0
    assert client.get("/api/v1/grades/")["Cache-Control"] == "no-cache"


def test_errors_and_redirects_are_never_kept(client, blog_index):
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and missing["Cache-Control"] == "no-cache"
    redirect = client.get(blog_index.url.rstrip("/"))
    assert redirect.status_code == 301 and redirect["Cache-Control"] == "no-cache"


def answer(view, request):
    return CacheControlMiddleware(view)(request)


def test_answers_that_set_a_cookie_or_hold_a_csrf_token_are_private():
    def with_form(request):
        return HttpResponse(f"<input name=csrfmiddlewaretoken value={get_token(request)}>")

    def with_cookie(request):
        response = HttpResponse("hello")
        response.set_cookie("seen", "1")
        return response

    assert is_private(answer(with_form, RequestFactory().get("/form/")))
    assert is_private(answer(with_cookie, RequestFactory().get("/hello/")))
    assert answer(lambda request: HttpResponse("hi"), RequestFactory().get("/hi/"))["Cache-Control"] == PUBLIC


def test_a_views_own_choice_is_kept_unless_the_answer_is_personal():
    def fresh_counts(request):
        response = HttpResponse("50%")
        response["Cache-Control"] = "no-cache"
        return response

    assert answer(fresh_counts, RequestFactory().get("/awards/x/y/results/"))["Cache-Control"] == "no-cache"
    signed_in = RequestFactory().get("/awards/x/y/results/", HTTP_COOKIE="sessionid=abc")
    assert answer(fresh_counts, signed_in)["Cache-Control"] == "private, no-store"
