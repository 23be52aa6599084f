"""A category's results, read from the tallies, ready for pages, CSV, API and charts."""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from awards import tally
from awards.models import Category, Nominee, NomineeTally

# Chart geometry, in SVG user units (the SVG scales to its container).
CHART_WIDTH = 640
LABEL_WIDTH = 170
VALUE_WIDTH = 70
BAR_HEIGHT = 26
BAR_GAP = 10


@dataclass
class Bar:
    standing: tally.Standing
    y: int
    width: float
    label_y: int


@dataclass
class CategoryResults:
    category: Category
    standings: list
    total: int
    bars: list = field(default_factory=list)
    chart_height: int = 0

    @property
    def leader(self):
        return self.standings[0] if self.total else None

    @property
    def bar_x(self):
        return LABEL_WIDTH

    @property
    def value_x(self):
        return CHART_WIDTH - VALUE_WIDTH + 8

    @property
    def chart_width(self):
        return CHART_WIDTH

    def as_dict(self):
        return {
            "category": self.category.title,
            "program": self.category.program.title,
            "total_votes": self.total,
            "final": self.category.has_closed(),
            "results": [
                {
                    "rank": s.rank,
                    "nominee": s.name,
                    "votes": s.count,
                    "share": str(s.share),
                    "summary": f"{s.name} {s.words}",
                }
                for s in self.standings
            ],
        }


def tally_count(nominee):
    try:
        return nominee.tally.count
    except NomineeTally.DoesNotExist:
        return 0


def for_category(category):
    """Standings from the tally rows: one small query however many votes there are."""
    nominees = Nominee.objects.filter(category=category).select_related("tally").order_by("sort_order", "pk")
    counts = [(n.pk, n.name, tally_count(n)) for n in nominees]
    standings = tally.standings(counts)
    results = CategoryResults(category=category, standings=standings, total=sum(c for _, _, c in counts))
    widest = max((s.count for s in standings), default=0) or 1
    track = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    for row, standing in enumerate(standings):
        y = row * (BAR_HEIGHT + BAR_GAP)
        results.bars.append(
            Bar(
                standing=standing,
                y=y,
                width=round(track * standing.count / widest, 1),
                label_y=y + BAR_HEIGHT // 2 + 5,
            )
        )
    results.chart_height = max(len(standings) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP, BAR_HEIGHT)
    return results


# Each process keeps its copy of a category's shared rendering until the moment it goes
# stale, so a busy confirmation page costs no cache round trip, and shows nothing older
# than the shared rendering itself may be.
recent = {}  # category pk -> (stale at, in Unix seconds, HTML)
RECENT_MAX = 256


def fragment_key(category_id):
    return f"awards:results-fragment:{category_id}"


def forget_rendered(sender, instance, **kwargs):
    """A program, category or nominee changed: drop the shared renderings of its results
    (and this process's copies) so the next page shows the change, not only the next
    interval's. Connected in AwardsConfig.ready()."""
    if isinstance(instance, Category):
        category_ids = [instance.pk]
    elif isinstance(instance, Nominee):
        category_ids = [instance.category_id]
    else:
        category_ids = list(Category.objects.filter(program_id=instance.pk).values_list("pk", flat=True))
    cache.delete_many([fragment_key(pk) for pk in category_ids])
    for pk in category_ids:
        recent.pop(pk, None)


def rendered(category):
    """The chart and table as HTML, shared for AWARDS_RESULTS_CACHE_SECONDS.

    Confirmation pages and articles show them; at a few seconds old they still read as
    live, and a burst of voters then costs one query and one rendering per interval.
    """
    return rendered_until(category)[0]


def rendered_until(category):
    """(HTML, Unix time it goes stale) of ``rendered``; stale at once when nothing is shared."""
    seconds = settings.AWARDS_RESULTS_CACHE_SECONDS
    if not seconds:
        return _render(category), 0
    now = time.time()
    stale_at, html = recent.get(category.pk, (0, ""))
    if stale_at <= now:
        key = fragment_key(category.pk)  # (stale at, HTML)
        shared = cache.get(key)
        if shared is None or shared[0] <= now:
            shared = (now + seconds, _render(category))
            cache.set(key, shared, seconds)
        if len(recent) >= RECENT_MAX:
            recent.clear()
        recent[category.pk] = shared
        stale_at, html = shared
    return html, stale_at


def _render(category):
    html = render_to_string("awards/includes/results.html", {"results": for_category(category)})
    return mark_safe(html)  # noqa: S308 - our own template's output, escaped when it was rendered
