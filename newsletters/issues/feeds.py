"""RSS 2.0 feed of one newsletter's published issues (served at <newsletter page>/feed/)."""

from core.feeds import PageFeed

FEED_ITEMS = 30

class IssueFeed(PageFeed):
    """One newsletter's live issues, newest first."""

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
