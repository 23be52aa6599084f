"""What the site search offers besides pages, without core naming the apps that offer it.

An app registers a searcher in its ``AppConfig.ready()`` (ratings offers tokens). The
search view asks each one, in the order they were registered, for a section shown above
the article results: ``search(query)`` returns the hits as a ``SearchSection``, or
None when it has nothing to show. A searcher answers in a fixed number of queries,
whatever the query, so the page keeps its constant query count.
"""

from dataclasses import dataclass, field


@dataclass
class SearchSection:
    template: str  # renders the section, given ``section``
    hits: list
    more_url: str = ""  # where all the matches are listed, when there are more than shown
    extra: dict = field(default_factory=dict)


class SiteSearchRegistry:
    def __init__(self):
        self._searchers = {}

    def register(self, name, searcher):
        if name in self._searchers:
            raise ValueError(f"A site searcher called {name!r} is registered already.")
        self._searchers[name] = searcher

    def sections(self, query):
        """Each searcher's non-empty section for ``query`` (plain text, stripped)."""
        found = (searcher(query) for searcher in self._searchers.values())
        return [section for section in found if section is not None and section.hits]


site_searchers = SiteSearchRegistry()
