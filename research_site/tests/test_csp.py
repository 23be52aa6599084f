"""The Content-Security-Policy: which policy each kind of page gets, and how it survives the
anonymous page cache."""

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from blog.tests.factories import ArticlePageFactory, body
from core import security

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "frame-src": ["https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy(response):
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";"))}


def nonce_in(header):
    (nonce,) = re.findall(r"'nonce-([^']+)'", header)
    return nonce


@pytest.fixture(autouse=True)
def fresh_media_origin():
    security.media_origin.cache_clear()
    yield
    security.media_origin.cache_clear()


def test_public_pages_get_the_strict_policy(client, home, blog_index):
    article = ArticlePageFactory(parent=blog_index)
    for url in ("/", blog_index.url, article.url, "/search/?q=grades", "/ratings/", "/api/docs/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response) == STRICT, url  # no nonce in the header when no page used one


def test_the_api_docs_load_their_start_up_script_from_a_file(client):
    page = BeautifulSoup(client.get("/api/docs/").content, "html.parser")
    assert not page.select("style") and all(script.get("src") for script in page.select("script"))
    (start_up,) = [s["src"] for s in page.select("script") if s["src"].startswith("/api/docs/")]
    script = client.get(start_up)
    assert script["Content-Type"] == "application/javascript"
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_admins_keep_their_inline_scripts_under_a_policy_of_their_own(client):
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.com", "pw"))
    for url in ("/admin/", "/django-admin/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response) == {
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
            "frame-ancestors": ["'self'"],  # Wagtail's preview frames the admin's own pages
        }, url


@pytest.mark.urls("research_site.tests.csp_urls")
def test_a_cached_page_is_replayed_with_the_header_its_nonce_belongs_to(client, settings, home):
    settings.PAGE_CACHE_SECONDS = 300
    first = client.get("/inline-script/")
    nonce = nonce_in(first["Content-Security-Policy"])
    assert policy(first)["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert f'<script nonce="{nonce}">' in first.content.decode()
    assert first["X-Page-Cache"] == "miss"

    again = client.get("/inline-script/")
    assert again["X-Page-Cache"] == "hit"
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert again.content == first.content

    client.force_login(get_user_model().objects.create_user("reader", password="a-long-password"))
    signed_in = client.get("/inline-script/")  # never cached: a nonce of its own
    fresh = nonce_in(signed_in["Content-Security-Policy"])
    assert fresh != nonce and f'<script nonce="{fresh}">' in signed_in.content.decode()


def test_images_from_object_storage_are_allowed_from_its_origin(client, settings, home):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"base_url": "https://media.example.com/uploads/"},
        },
    }
    assert policy(client.get("/"))["img-src"] == ["'self'", "data:", "https://media.example.com"]


def test_embeds_keep_their_shape_without_style_attributes_or_provider_scripts(client, blog_index):
    video, post = "https://www.youtube.com/watch?v=abc", "https://x.com/research/status/1"
    Embed.objects.create(
        url=video, hash=get_embed_hash(video), type="video", width=480, height=270,
        html='<iframe src="https://www.youtube.com/embed/abc" width="480" height="270"></iframe>',
    )
    Embed.objects.create(
        url=post, hash=get_embed_hash(post), type="rich", width=550,
        html='<blockquote class="twitter-tweet"><p>Grades are out.</p></blockquote>\n'
        '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>',
    )
    article = ArticlePageFactory(parent=blog_index, body=body(("embed", video), ("embed", post)))

    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    frame, quote = page.select(".embed")
    assert frame["class"] == ["embed", "responsive-object", "ratio-16x9"]
    assert frame.select_one("iframe")["src"] == "https://www.youtube.com/embed/abc"
    assert quote.select_one("blockquote").get_text() == "Grades are out."
    assert not page.select("main [style]") and not page.select("main script[src]")
