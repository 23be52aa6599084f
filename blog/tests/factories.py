import json
import uuid

import factory
import wagtail_factories
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory
from wagtail.images import get_image_model
from wagtail.models import Collection

from blog.models import ArticleAuthor, ArticleIndexPage, ArticlePage, Author, Category, HomePage


class ImageFactory(DjangoModelFactory):
    class Meta:
        model = get_image_model()

    title = factory.Sequence(lambda n: f"Image {n}")
    file = factory.django.ImageField(width=64, height=36, color="navy")
    collection = factory.LazyFunction(Collection.get_first_root_node)


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class AuthorFactory(DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Analyst {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    role = "Research Analyst"
    avatar = factory.SubFactory(ImageFactory)


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "Home"


class ArticleIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ArticleIndexPage

    title = "Blog"
    slug = "blog"


def body(*blocks):
    """Raw StreamField JSON from (block_type, value) pairs."""
    return json.dumps([{"type": t, "value": v, "id": str(uuid.uuid4())} for t, v in blocks])


def paragraph(words=40):
    return ("paragraph", "<p>" + " ".join(["market"] * words) + "</p>")


class ArticlePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ArticlePage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "A one-paragraph summary of the research."
    category = factory.SubFactory(CategoryFactory)
    date = factory.LazyFunction(timezone.localdate)
    body = factory.LazyFunction(lambda: body(paragraph()))
    first_published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        authors = extracted if extracted is not None else [AuthorFactory()]
        for order, author in enumerate(authors):
            ArticleAuthor.objects.create(page=self, author=author, sort_order=order)
