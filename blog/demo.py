"""The blog's part of the demo (run by `manage.py load_demo`): the home page and site, the
site's SEO defaults, categories, authors and the articles written for this project."""

import datetime
import json
import logging
import uuid

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from blog import demo_content
from blog.models import ArticleAuthor, ArticleIndexPage, ArticlePage, Author, Category, HomePage
from core import demo_images
from core.demo_images import image_for
from core.models import SeoSettings


@transaction.atomic


def load(stdout):
    logging.getLogger("wagtail").setLevel(logging.WARNING)  # one progress line, not a log per page
    home = home_page()
    index = article_index(home)
    by_slug = categories()
    writers = authors()
    created = 0
    total = len(demo_content.ARTICLES)
    for number, data in enumerate(demo_content.ARTICLES, start=1):
        created += article(index, data, by_slug, writers)
        stdout.write(f"\r  articles {number}/{total}", ending="")
    stdout.write("")
    stdout.write(f"Blog: {total} articles ({created} new) at /blog/.")


def raw_block(block_type, value, images):
    if block_type == "image":
        value = {**value, "image": images.pop(0).pk}
    elif block_type == "table":
        value = {
            "caption": value.get("caption", ""),
            "table": {
                "data": value["rows"],
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "table_caption": "",
            },
        }
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def home_page():
    site = Site.objects.filter(is_default_site=True).first()
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(
            title="Crypto research you can act on",
            slug="home",
            intro="<p>Independent research, token grades and market analysis.</p>",
            seo_title="Token Research: crypto research, grades and analysis",
        )
        placeholder = root.get_children().filter(slug="home").exclude(
            content_type__model="homepage"
        ).first()
        if placeholder is not None:
            placeholder.slug = "welcome-placeholder"
            placeholder.save()
        root.add_child(instance=home)
        home.save_revision().publish()
        if placeholder is not None:
            placeholder.delete()
    if site is None:
        site = Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "Token Research"
        site.save()
    seo = SeoSettings.for_site(site)
    seo.default_description = (
        "Independent crypto research: explainers, market analysis and daily token grades."
    )
    seo.default_social_image = image_for(
        "Token Research social card", lambda: demo_images.cover("site", ["#0b1f3a", "#1f5eff"])
    )
    seo.save()
    return home


def article_index(home):
    index = ArticleIndexPage.objects.child_of(home).first()
    if index is None:
        index = ArticleIndexPage(
            title="Blog",
            slug="blog",
            intro="Research, crypto basics and market analysis from our desk.",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    return index


def categories():
    return {
        data["slug"]: Category.objects.update_or_create(
            slug=data["slug"], defaults={"name": data["name"], "description": data["description"]}
        )[0]
        for data in demo_content.CATEGORIES
    }


def authors():
    authors = {}
    for data in demo_content.AUTHORS:
        initials = "".join(part[0] for part in data["name"].split()[:2]).upper()
        avatar = image_for(
            f"Avatar: {data['name']}", lambda i=initials, c=data["color"]: demo_images.avatar(i, c)
        )
        authors[data["slug"]] = Author.objects.update_or_create(
            slug=data["slug"],
            defaults={"name": data["name"], "role": data["role"], "bio": data["bio"], "avatar": avatar},
        )[0]
    return authors


def article(index, data, categories, authors):
    """Create the article if it is missing; return 1 if it was created."""
    if ArticlePage.objects.child_of(index).filter(slug=data["slug"]).exists():
        return 0
    colors = data["cover_colors"]
    cover = image_for(f"Cover: {data['title']}", lambda: demo_images.cover(data["slug"], colors))
    body_images = [
        image_for(
            f"Figure {number}: {data['title']}",
            lambda n=number: demo_images.chart(f"{data['slug']}-{n}", colors[::-1]),
        )
        for number, (block_type, _) in enumerate(data["body"], start=1)
        if block_type == "image"
    ]
    date = datetime.date.fromisoformat(data["date"])
    page = ArticlePage(
        title=data["title"],
        slug=data["slug"],
        summary=data["summary"],
        date=date,
        category=categories[data["category"]],
        cover_image=cover,
        sponsored=data.get("sponsored", False),
        sponsor_name=data.get("sponsor_name", ""),
        body=json.dumps([raw_block(t, v, body_images) for t, v in data["body"]]),
        first_published_at=timezone.make_aware(datetime.datetime.combine(date, datetime.time(9))),
    )
    page.article_authors = [ArticleAuthor(author=authors[slug]) for slug in data["authors"]]
    page.tags.add(*data.get("tags", []))
    index.add_child(instance=page)
    page.save_revision().publish()
    return 1
