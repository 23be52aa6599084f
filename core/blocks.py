"""Blocks that apps offer to other apps' page bodies, without those apps naming them.

An app that owns a block registers it in its ``AppConfig.ready()``: ratings offers the
live "top tokens" table, awards the live results chart, newsletters the sign-up box. A
body (an article's, say) lists its own blocks and then ``body_blocks``; the StreamField
reads the list only when it is first used, after every app is ready.
"""


class BodyBlockRegistry:
    def __init__(self):
        self._blocks = {}
        self._live = set()

    def register(self, name, block, *, live=False):
        """Offer ``block`` under ``name``. Live blocks show data that changes between
        publishes, so a body holding one is never served from the fragment cache."""
        if name in self._blocks:
            raise ValueError(f"A body block called {name!r} is registered already.")
        self._blocks[name] = block
        if live:
            self._live.add(name)

    def __iter__(self):
        return iter(self._blocks.items())

    @property
    def live_names(self):
        return frozenset(self._live)


body_blocks = BodyBlockRegistry()
