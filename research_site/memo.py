"""Process-local answers that hold for one page-cache generation.

Anything a publish, unpublish or snippet save could change starts a new generation
(research_site.page_cache), so an answer remembered in this process under the current
generation is still right, and is dropped as soon as the generation moves on.
"""


class GenerationMemo:
    def __init__(self, max_entries=512):
        self.max_entries = max_entries
        self.generation = None
        self.entries = {}

    def get(self, generation, key):
        if generation != self.generation:
            self.generation, self.entries = generation, {}
        return self.entries.get(key)

    def set(self, generation, key, value):
        if generation != self.generation or len(self.entries) >= self.max_entries:
            self.generation, self.entries = generation, {}
        self.entries[key] = value
