from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from blog.blocks import ArticleBodyBlock
from blog.reading_time import reading_minutes

from .base import BasePage
from .snippets import Category

RECENT_POSTS = 3
RELATED_ARTICLES = 3


def article_cards(queryset):
    """Articles ready for listing cards: category, cover and authors in fixed queries."""
    return (
        queryset.live()
        .public()
        .select_related("category", "cover_image")
        .prefetch_related(
            Prefetch(
                "article_authors",
                queryset=ArticleAuthor.objects.select_related("author__avatar"),
            )
        )
        .defer_streamfields()
    )


class HomePage(BasePage):
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    subpage_types = ["blog.ArticleIndexPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_articles"] = article_cards(ArticlePage.objects.order_by("-date", "-pk"))[:6]
        return context


class ArticleIndexPage(BasePage):
    intro = models.TextField(blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    subpage_types = ["blog.ArticlePage"]
    parent_page_types = ["blog.HomePage"]

    @property
    def listing_summary(self):
        return self.intro

    def route(self, request, path_components):
        # One query for an article instead of Wagtail's generic page + specific lookups.
        if len(path_components) == 1:
            article = (
                ArticlePage.objects.child_of(self)
                .filter(slug=path_components[0])
                .select_related("category", "cover_image", "social_image")
                .first()
            )
            if article is None:
                raise Http404(f"There is no article at “{path_components[0]}”.")
            article._cached_parent_obj = self
            return article.route(request, [])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = article_cards(ArticlePage.objects.child_of(self)).order_by("-date", "-pk")

        category_slug = request.GET.get("category", "").strip()
        category = None
        if category_slug:
            category = Category.objects.filter(slug=category_slug).first()
            if category is None:
                raise Http404(f"There is no category called “{category_slug[:80]}”.")
            articles = articles.filter(category=category)

        tag = request.GET.get("tag", "").strip()[:100]
        if tag:
            articles = articles.filter(tags__slug=tag)

        paginator = Paginator(articles, settings.BLOG_ARTICLES_PER_PAGE)
        page_number = request.GET.get("page", "1")
        try:
            page_obj = paginator.page(page_number)
        except PageNotAnInteger:
            raise Http404(f"“{page_number[:20]}” is not a page number.") from None
        except EmptyPage:
            raise Http404(
                f"This listing has {paginator.num_pages} page(s); there is no page {page_number}."
            ) from None

        context.update(
            articles=page_obj,
            paginator=paginator,
            categories=Category.objects.all(),
            current_category=category,
            current_tag=tag,
        )
        return context


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey("blog.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE)


class ArticlePage(BasePage):
    summary = models.TextField(help_text="One paragraph under the title and in listings.")
    date = models.DateField("Publish date", default=timezone.localdate)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(ArticleBodyBlock())
    tags = ClusterTaggableManager(through=ArticleTag, blank=True)
    sponsored = models.BooleanField(
        default=False, help_text="Paid content: labelled 'Sponsored' and never a rating."
    )
    sponsor_name = models.CharField(max_length=120, blank=True)
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)

    content_panels = BasePage.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("category"), FieldPanel("tags")], heading="Listing"
        ),
        InlinePanel("article_authors", label="Authors", min_num=1),
        FieldPanel("cover_image"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("sponsored"), FieldPanel("sponsor_name")], heading="Sponsorship"),
        InlinePanel("related_links", label="Related articles"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("category", [index.SearchField("name")]),
        index.FilterField("date"),
    ]
    parent_page_types = ["blog.ArticleIndexPage"]
    subpage_types = []

    class Meta:
        indexes = [models.Index(fields=["-date"], name="blog_article_date_idx")]

    @property
    def listing_summary(self):
        return self.summary

    @property
    def listing_image(self):
        return self.cover_image

    @property
    def authors(self):
        return [link.author for link in self.article_authors.all()]

    def clean(self):
        super().clean()
        self.reading_minutes = reading_minutes(self.body)

    def save(self, *args, **kwargs):
        self.reading_minutes = reading_minutes(self.body)
        super().save(*args, **kwargs)

    def faq_items(self):
        return [item for block in self.body if block.block_type == "faq" for item in block.value["items"]]

    def recent_posts(self):
        siblings = ArticlePage.objects.sibling_of(self, inclusive=False)
        return article_cards(siblings).order_by("-date", "-pk")[:RECENT_POSTS]

    def related_articles(self, exclude=()):
        """Editors' picks first, else the newest in the same category not in `exclude`."""
        picked_ids = [link.article_id for link in self.related_links.all()][:RELATED_ARTICLES]
        if picked_ids:
            picked = {a.pk: a for a in article_cards(ArticlePage.objects.filter(pk__in=picked_ids))}
            return [picked[pk] for pk in picked_ids if pk in picked]
        same_category = ArticlePage.objects.filter(category_id=self.category_id).exclude(
            pk__in=[self.pk, *exclude]
        )
        return list(article_cards(same_category).order_by("-date", "-pk")[:RELATED_ARTICLES])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        recent = list(self.recent_posts())
        context["recent_posts"] = recent
        context["related_articles"] = self.related_articles(exclude=[a.pk for a in recent])
        return context


class ArticleAuthor(Orderable):
    page = ParentalKey(ArticlePage, related_name="article_authors", on_delete=models.CASCADE)
    author = models.ForeignKey("blog.Author", on_delete=models.PROTECT, related_name="article_links")

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["page", "author"], name="blog_unique_article_author")
        ]


class RelatedArticle(Orderable):
    page = ParentalKey(ArticlePage, related_name="related_links", on_delete=models.CASCADE)
    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("article")]
