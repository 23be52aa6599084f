from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable
from wagtail.search import index

from blog.blocks import ArticleBody, live_block_names
from blog.reading_time import reading_minutes
from blog.structured_data import article_json_ld, faq_json_ld
from core.fragments import PageParts
from core.models import BasePage, SiteRootMixin, not_restricted
from core.pagination import page_or_404

from .snippets import Category

RECENT_POSTS = 3
RELATED_ARTICLES = 3


def authors_prefetch():
    return Prefetch("article_authors", queryset=ArticleAuthor.objects.select_related("author__avatar"))


def article_cards(queryset, prefetch_authors=True):
    """Live, public articles ready for listing cards: category, cover and authors."""
    queryset = queryset.live().filter(not_restricted())
    queryset = queryset.select_related("category", "cover_image").defer_streamfields()
    return queryset.prefetch_related(authors_prefetch()) if prefetch_authors else queryset


class HomePage(SiteRootMixin, BasePage):
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    subpage_types = ["blog.ArticleIndexPage", "newsletters.NewsletterIndexPage"]
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
        # HomePage.route has already looked for a child page on this path.
        if path_components:
            raise Http404
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        category_slug = request.GET.get("category", "").strip()
        tag = request.GET.get("tag", "").strip()[:100]
        page_number = request.GET.get("page", "1")
        # Title, meta and listing depend on nothing else: stored, they cost no query.
        context["page_parts"] = PageParts(request, "article-index", self.pk, category_slug, tag, page_number)
        if context["page_parts"].hit:
            return context
        articles = article_cards(ArticlePage.objects.child_of(self)).order_by("-date", "-pk")

        category = None
        if category_slug:
            category = Category.objects.filter(slug=category_slug).first()
            if category is None:
                raise Http404(f"There is no category called “{category_slug[:80]}”.")
            articles = articles.filter(category=category)

        if tag:
            articles = articles.filter(tags__slug=tag)

        paginator = Paginator(articles, settings.BLOG_ARTICLES_PER_PAGE)
        page_obj = page_or_404(paginator, page_number, "articles")

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
    body = StreamField(ArticleBody())
    tags = ClusterTaggableManager(through=ArticleTag, blank=True)
    sponsored = models.BooleanField(
        default=False, help_text="Paid content: labelled 'Sponsored' and never a rating."
    )
    sponsor_name = models.CharField(max_length=120, blank=True)
    sponsor = models.ForeignKey(
        "sponsors.Sponsor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sponsored_articles",
        help_text="The sponsor's record: the article links to it.",
    )
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)

    content_panels = BasePage.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("category"), FieldPanel("tags")], heading="Listing"
        ),
        InlinePanel("article_authors", label="Authors", min_num=1),
        FieldPanel("cover_image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("sponsored"), FieldPanel("sponsor"), FieldPanel("sponsor_name")],
            heading="Sponsorship",
        ),
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
    og_type = "article"

    class Meta:
        indexes = [models.Index(fields=["-date"], name="blog_article_date_idx")]

    @classmethod
    def routing_queryset(cls):
        return cls.objects.select_related("category", "cover_image", "social_image", "sponsor")

    @property
    def listing_summary(self):
        return self.summary

    @property
    def listing_image(self):
        return self.cover_image

    @property
    def index_url(self):
        """The listing this article sits in, without loading the parent page."""
        return self.url.rstrip("/").rsplit("/", 1)[0] + "/"

    @cached_property
    def authors(self):
        links = self.article_authors.all()
        if "article_authors" not in getattr(self, "_prefetched_objects_cache", {}):
            links = links.select_related("author__avatar")
        return [link.author for link in links]

    def clean(self):
        super().clean()
        self.reading_minutes = reading_minutes(self.body)
        if self.sponsor_id and not self.sponsored:
            raise ValidationError({"sponsored": "An article with a sponsor is sponsored: tick this box."})

    def save(self, *args, **kwargs):
        self.reading_minutes = reading_minutes(self.body)
        super().save(*args, **kwargs)

    @property
    def body_is_static(self):
        """False when a block shows data that changes between publishes (live results)."""
        # The raw data names each block's type without building (and querying for) the blocks.
        live = live_block_names()
        return not any(block["type"] in live for block in self.body.raw_data)

    def meta_properties(self):
        return [("article:published_time", self.date.isoformat()), ("article:section", self.category.name)]

    def json_ld(self, request, meta):
        faq = faq_json_ld(self)
        return [article_json_ld(self, request, meta)] + ([faq] if faq else [])

    def faq_items(self):
        return [item for block in self.body if block.block_type == "faq" for item in block.value["items"]]

    def more_articles(self):
        """Recent Posts and related articles, from one query.

        Recent: the newest other articles in this listing. Related: editors' picks in
        their order, filled up with the newest in the same category not already recent.
        """
        others = ArticlePage.objects.live().filter(not_restricted()).exclude(pk=self.pk)
        newest = others.sibling_of(self).order_by("-date", "-pk").values("pk")[:RECENT_POSTS]
        same_category = (
            others.filter(category_id=self.category_id)
            .order_by("-date", "-pk")
            .values("pk")[: RECENT_POSTS + RELATED_ARTICLES]
        )
        picks = RelatedArticle.objects.filter(page=self).order_by("sort_order")
        rows = list(
            article_cards(
                ArticlePage.objects.filter(
                    models.Q(pk__in=newest)
                    | models.Q(pk__in=same_category)
                    | models.Q(pk__in=picks.values("article_id")[:RELATED_ARTICLES])
                ),
                prefetch_authors=False,
            )
            .annotate(
                is_recent=models.Case(
                    models.When(pk__in=newest, then=True), default=False, output_field=models.BooleanField()
                ),
                is_pick=Exists(picks.filter(article=OuterRef("pk"))),
                pick_order=picks.filter(article=OuterRef("pk")).values("sort_order")[:1],
            )
            .order_by("-date", "-pk")
        )
        recent = [row for row in rows if row.is_recent]
        picked = sorted((row for row in rows if row.is_pick), key=lambda row: (row.pick_order or 0))
        fill = [row for row in rows if row.category_id == self.category_id and not row.is_recent]
        related = list(dict.fromkeys(picked + fill))[:RELATED_ARTICLES]
        prefetch_related_objects(recent + related, authors_prefetch())
        return recent, related

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["cards"] = ArticleCards(self)
        return context


class ArticleCards:
    """Recent Posts and related articles, loaded only if the template renders them
    (a cached fragment does not)."""

    def __init__(self, article):
        self.article = article

    @cached_property
    def _loaded(self):
        return self.article.more_articles()

    @property
    def recent(self):
        return self._loaded[0]

    @property
    def related(self):
        return self._loaded[1]


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
