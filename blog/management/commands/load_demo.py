"""Build the demo site with code: idempotent, so running it twice changes nothing."""

import datetime
import io
import json
import logging
import uuid
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from blog import demo_content, demo_images
from blog.models import (
    ArticleAuthor,
    ArticleIndexPage,
    ArticlePage,
    Author,
    Category,
    HomePage,
    SeoSettings,
)

Image = get_image_model()

DEV_USERS = [
    # (username, password, group or None for superuser)
    ("admin", "admin", None),
    ("editor", "editor", "Editors"),
    ("moderator", "moderator", "Moderators"),
]


def image_for(title, make_png):
    """The demo image with this title, drawn and stored the first time only."""
    image = Image.objects.filter(title=title).first()
    if image is None:
        filename = f"{uuid.uuid5(uuid.NAMESPACE_URL, title).hex[:12]}.png"
        image = Image(title=title)
        image.file.save(filename, ImageFile(io.BytesIO(make_png()), name=filename), save=False)
        image._set_image_file_metadata()
        image.save()
    return image


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


class Command(BaseCommand):
    help = "Load demo categories, authors, articles and images (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--users",
            action="store_true",
            default=None,
            help="Create the admin/editor/moderator logins (default: only when DEBUG is on).",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        logging.getLogger("wagtail").setLevel(logging.WARNING)  # one progress line, not a log per page
        with_users = settings.DEBUG if options["users"] is None else options["users"]
        home = self.home_page()
        index = self.article_index(home)
        categories = self.categories()
        authors = self.authors()
        created = 0
        total = len(demo_content.ARTICLES)
        for number, article in enumerate(demo_content.ARTICLES, start=1):
            created += self.article(index, article, categories, authors)
            self.stdout.write(f"\r  articles {number}/{total}", ending="")
        self.stdout.write("")
        if with_users:
            self.users()
        self.load_other_apps()
        self.stdout.write(
            self.style.SUCCESS(f"Demo content ready: {total} articles ({created} new) at /blog/.")
        )

    def load_other_apps(self):
        """Each other app may ship `<app>/demo.py` with `load(stdout)`; run them in app order."""
        for app_config in apps.get_app_configs():
            if app_config.name == "blog" or not module_has_submodule(app_config.module, "demo"):
                continue
            import_module(f"{app_config.name}.demo").load(self.stdout)

    def home_page(self):
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

    def article_index(self, home):
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

    def categories(self):
        return {
            data["slug"]: Category.objects.update_or_create(
                slug=data["slug"], defaults={"name": data["name"], "description": data["description"]}
            )[0]
            for data in demo_content.CATEGORIES
        }

    def authors(self):
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

    def article(self, index, data, categories, authors):
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

    def users(self):
        User = get_user_model()
        for username, password, group_name in DEV_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"email": f"{username}@example.com", "first_name": username.title()},
            )
            if created:
                user.set_password(password)
            user.is_staff = group_name is None
            user.is_superuser = group_name is None
            user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
        self.stdout.write("Dev logins: admin/admin, editor/editor, moderator/moderator at /admin/")
