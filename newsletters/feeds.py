"""RSS 2.0 feed of one newsletter's published issues (served at <newsletter page>/feed/)."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed

FEED_ITEMS = 30


class IssueFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, newsletter):
        self.request = request
        return newsletter

    def title(self, newsletter):
        return f"{newsletter.title}: Token Research newsletter"

    def description(self, newsletter):
        return newsletter.description

    def link(self, newsletter):
        return newsletter.get_full_url(self.request)

    def items(self, newsletter):
        return newsletter.live_issues()[:FEED_ITEMS]

    def item_title(self, item):
        return item.subject

    def item_description(self, item):
        return item.preheader

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at
