from django.apps import AppConfig


class ResearchSiteConfig(AppConfig):
    name = "research_site"
    verbose_name = "Research site"

    def ready(self):
        from . import page_cache

        page_cache.connect_invalidation_signals()
