from wagtail.models import Site

from blog.models import ArticlePage
from blog.models.pages import article_cards
from core.feeds import PageFeed

FEED_ITEMS = 30

class ArticleFeed(PageFeed):
    """RSS 2.0 feed of the newest articles (advertised as application/rss+xml)."""

    title = "Token Research: latest articles"
    description = "Research, crypto basics and market analysis from the Token Research desk."

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return None

    def link(self):
        site = Site.find_for_request(self.request)
        return site.root_url + "/" if site else "/"

    def items(self):
        return article_cards(ArticlePage.objects.order_by("-date", "-pk"))[:FEED_ITEMS]

    def item_title(self, item):
        return f"[Sponsored] {item.title}" if item.sponsored else item.title

    def item_description(self, item):
        return item.summary

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.authors)

    def item_categories(self, item):
        return [item.category.name]
