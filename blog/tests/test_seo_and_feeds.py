import json

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree as ET
from wagtail.models import Site

from blog.tests.factories import ArticlePageFactory, AuthorFactory, ImageFactory
from core.models import SeoSettings

pytestmark = pytest.mark.django_db


def head(client, url):
    return BeautifulSoup(client.get(url).content, "html.parser").head


def meta(soup, **attrs):
    tag = soup.find("meta", attrs=attrs)
    return tag["content"] if tag else None


def test_article_meta_tags_and_json_ld(client, blog_index):
    author = AuthorFactory(name="Ines Halloran")
    article = ArticlePageFactory(
        parent=blog_index,
        title="Layer-2 rollups",
        summary="How rollups inherit Ethereum security.",
        cover_image=ImageFactory(),
        authors=[author],
    )
    soup = head(client, article.url)

    canonical = soup.find("link", rel="canonical")["href"]
    assert canonical == "http://localhost/blog/layer-2-rollups/"
    assert soup.title.get_text().startswith("Layer-2 rollups |")
    assert meta(soup, name="description") == "How rollups inherit Ethereum security."
    assert meta(soup, property="og:type") == "article"
    assert meta(soup, property="og:url") == canonical
    assert meta(soup, property="og:image").startswith("http://testserver/")
    assert meta(soup, name="twitter:card") == "summary_large_image"
    article_ld = next(
        data
        for data in (json.loads(s.string) for s in soup.find_all("script", type="application/ld+json"))
        if data["@type"] == "Article"
    )
    assert article_ld["headline"] == "Layer-2 rollups"
    assert article_ld["author"][0]["name"] == "Ines Halloran"
    assert article_ld["datePublished"] == article.date.isoformat()


def test_meta_falls_back_from_seo_fields_to_summary_to_site_default(client, blog_index):
    SeoSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={"default_description": "Site default description", "default_social_image": ImageFactory()},
    )
    explicit = ArticlePageFactory(
        parent=blog_index, seo_title="SEO title", search_description="Search description"
    )
    summary_only = ArticlePageFactory(parent=blog_index, summary="Just the summary")

    soup = head(client, explicit.url)
    assert soup.title.get_text().startswith("SEO title |")
    assert meta(soup, name="description") == "Search description"

    soup = head(client, summary_only.url)
    assert meta(soup, name="description") == "Just the summary"
    # no cover image: the site's default social image is used
    assert meta(soup, property="og:image")

    soup = head(client, "/")  # the home page has no summary: site default
    assert meta(soup, name="description") == "Site default description"


def test_seo_settings_changes_show_without_restart(client, blog_index):
    site = Site.objects.get(is_default_site=True)
    settings_obj, _ = SeoSettings.objects.get_or_create(site=site)
    client.get("/")
    settings_obj.default_description = "Changed"
    settings_obj.save()
    assert meta(head(client, "/"), name="description") == "Changed"


def test_pages_advertise_an_rss_feed(client, blog_index):
    link = head(client, blog_index.url).find("link", rel="alternate")
    assert link["type"] == "application/rss+xml"
    assert link["href"] == "/feed/"


def test_rss_feed_lists_newest_articles(client, blog_index):
    ArticlePageFactory(parent=blog_index, title="Plain article")
    ArticlePageFactory(parent=blog_index, title="Paid article", sponsored=True)
    ArticlePageFactory(parent=blog_index, title="Draft article", live=False)

    response = client.get("/feed/")

    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.attrib["version"] == "2.0"
    titles = [item.findtext("title") for item in root.iter("item")]
    assert "Plain article" in titles
    assert "[Sponsored] Paid article" in titles
    assert "Draft article" not in titles
    assert root.find("channel/item/link").text.startswith("http://localhost/blog/")


def test_sitemap_lists_live_articles(client, blog_index):
    article = ArticlePageFactory(parent=blog_index)
    draft = ArticlePageFactory(parent=blog_index, live=False)
    body = client.get("/sitemap.xml").content.decode()
    assert f"/blog/{article.slug}/" in body
    assert f"/blog/{draft.slug}/" not in body


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_author_page_lists_their_articles(client, blog_index):
    author = AuthorFactory(name="Tobias Renner", bio="Covers market structure.")
    ArticlePageFactory(parent=blog_index, title="By Tobias", authors=[author])
    ArticlePageFactory(parent=blog_index, title="By someone else")
    soup = BeautifulSoup(client.get(author.get_absolute_url()).content, "html.parser")
    assert soup.h1.get_text() == "Tobias Renner"
    assert [t.get_text(strip=True) for t in soup.select(".card-title")] == ["By Tobias"]


def test_json_ld_cannot_close_its_script_element(client, blog_index):
    title = "Rollups </script><script>alert(1)</script> & <!-- more"
    article = ArticlePageFactory(parent=blog_index, title=title)
    html = client.get(article.url).content.decode()
    scripts = BeautifulSoup(html, "html.parser").find_all("script", type="application/ld+json")
    article_ld = next(data for data in (json.loads(s.string) for s in scripts) if data["@type"] == "Article")

    assert article_ld["headline"] == title  # the reader's JSON parser gets the title back whole
    assert "<script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html
