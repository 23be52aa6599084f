import json

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import RelatedArticle
from blog.tests.factories import (
    ArticlePageFactory,
    AuthorFactory,
    CategoryFactory,
    ImageFactory,
    body,
    paragraph,
)
from core import caching

pytestmark = pytest.mark.django_db

MAX_ARTICLE_QUERIES = 10


def full_body(image):
    return body(
        ("heading", {"text": "Why it matters", "level": "h2"}),
        ("paragraph", "<ul><li><b>Liquidity:</b> depth at the best bid.</li></ul>"),
        ("image", {"image": image.pk, "alt_text": "A bar chart", "caption": "Volume", "source": "Our desk"}),
        ("quote", {"text": "Price follows liquidity.", "attribution": "Research desk"}),
        (
            "table",
            {
                "caption": "Supply",
                "table": {"data": [["Token", "Supply"], ["BTC", "21M"]], "first_row_is_table_header": True},
            },
        ),
        (
            "faq",
            {
                "title": "FAQ",
                "items": [
                    {"question": "What is DePIN?", "answer": "<p>Physical infrastructure networks.</p>"},
                    {"question": "Is it risky?", "answer": "<p>Yes, like any token.</p>"},
                ],
            },
        ),
        ("disclaimer", {"title": "Disclaimer", "text": "<p>Not financial advice.</p>"}),
        (
            "call_to_action",
            {"headline": "Get the grades", "text": "Daily.", "button_text": "See ratings", "button_url": "/"},
        ),
    )


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_article_shows_the_reference_anatomy(client, blog_index):
    research = CategoryFactory(name="Research", slug="research")
    author = AuthorFactory(name="Maya Chen")
    older = ArticlePageFactory(parent=blog_index, title="Older piece", category=research)
    article = ArticlePageFactory(
        parent=blog_index,
        title="DePIN explained",
        summary="Decentralised physical infrastructure in one read.",
        category=research,
        body=full_body(ImageFactory()),
        authors=[author],
    )

    response = client.get(article.url)

    assert response.status_code == 200
    page = soup(response)
    assert page.find("a", string="← Back to blog")["href"] == blog_index.url
    assert page.find("h1").get_text() == "DePIN explained"
    assert "Research" in page.select_one(".article-header .eyebrow").get_text()
    assert page.select_one(".summary").get_text() == "Decentralised physical infrastructure in one read."
    assert page.select_one(".author a").get_text() == "Maya Chen"
    assert page.select_one(".author img.avatar") is not None
    assert page.select_one(".byline .meta").get_text().startswith("1 min")
    assert page.find("time")["datetime"] == article.date.isoformat()
    assert "Image Source - Our desk" in page.select_one(".body-image figcaption").get_text()
    assert page.select_one("blockquote").get_text(strip=True).startswith("Price follows liquidity.")
    assert page.select_one(".table-block table") is not None
    assert page.select_one(".disclaimer").get_text().startswith("Disclaimer")
    assert page.select_one(".cta a.button").get_text() == "See ratings"
    recent = page.find("h2", string="Recent Posts").find_parent("section")
    assert "Older piece" in recent.get_text()
    assert "Maya Chen" not in recent.get_text()
    assert page.find("h2", string="Related articles") is None or older.title in page.get_text()


def test_faq_block_is_emitted_as_faqpage_json_ld(client, blog_index):
    article = ArticlePageFactory(parent=blog_index, body=full_body(ImageFactory()))

    scripts = soup(client.get(article.url)).find_all("script", type="application/ld+json")
    data = [json.loads(script.string) for script in scripts]

    faq = next(item for item in data if item["@type"] == "FAQPage")
    assert [q["name"] for q in faq["mainEntity"]] == ["What is DePIN?", "Is it risky?"]
    assert "Physical infrastructure" in faq["mainEntity"][0]["acceptedAnswer"]["text"]
    assert any(item["@type"] == "Article" for item in data)


def test_reading_time_is_computed_from_the_body_on_save(blog_index):
    article = ArticlePageFactory(parent=blog_index, body=body(paragraph(words=1100)))
    assert article.reading_minutes == 5

    article.body = body(paragraph(words=100))
    article.save()
    article.refresh_from_db()
    assert article.reading_minutes == 1


def test_sponsored_article_carries_a_visible_label(client, blog_index):
    article = ArticlePageFactory(parent=blog_index, sponsored=True, sponsor_name="Acme Wallet")
    page = soup(client.get(article.url))
    assert page.select_one(".article-header .badge-sponsored").get_text() == "Sponsored"
    assert "Sponsored is not a rating" in page.select_one(".sponsored-note").get_text()
    listing = soup(client.get(blog_index.url))
    assert listing.select_one(".card .badge-sponsored").get_text() == "Sponsored"


def test_editors_related_picks_come_first(client, blog_index):
    article = ArticlePageFactory(parent=blog_index)
    pick = ArticlePageFactory(parent=blog_index, title="Editor pick", category=CategoryFactory(name="Other"))
    for _ in range(4):  # newer posts fill "Recent Posts"
        ArticlePageFactory(parent=blog_index)
    RelatedArticle.objects.create(page=article, article=pick)

    related = soup(client.get(article.url)).find("h2", string="Related articles").find_parent("section")

    assert "Editor pick" in related.get_text()


def render_with_queries(client, url):
    client.get(url)  # first render makes image renditions; later renders reuse them
    caching.invalidate()  # as after a publish: cached routes and fragments are retired
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def article_with(blog_index, items):
    """An article with `items` related articles and `items` groups of body blocks."""
    category = CategoryFactory(name="Research")
    image = ImageFactory()
    blocks = []
    for _ in range(items):
        blocks.extend(json.loads(full_body(image)))
    article = ArticlePageFactory(
        parent=blog_index, category=category, body=json.dumps(blocks), authors=AuthorFactory.create_batch(2)
    )
    for _ in range(items):
        other = ArticlePageFactory(parent=blog_index, category=category, cover_image=ImageFactory())
        RelatedArticle.objects.create(page=article, article=other)
    return article


def test_article_page_queries_are_few_and_do_not_grow(client, blog_index):
    small = article_with(blog_index, 2)
    large = article_with(blog_index, 20)

    small_count = render_with_queries(client, small.url)
    large_count = render_with_queries(client, large.url)

    assert small_count <= MAX_ARTICLE_QUERIES
    assert small_count == large_count
