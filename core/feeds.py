from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed


class PageFeed(Feed):
    """RSS 2.0 (advertised as application/rss+xml) of Wagtail pages: links and dates from the page.

    Subclasses set ``self.request`` in ``get_object``; full URLs need the request's site.
    """

    feed_type = Rss201rev2Feed

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at
