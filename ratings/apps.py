from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "Token ratings"

    def ready(self):
        from core.blocks import body_blocks
        from core.search import site_searchers

        from .blocks import TopTokensBlock
        from .search import site_search_section

        body_blocks.register("top_tokens", TopTokensBlock(), live=True)
        site_searchers.register("tokens", site_search_section)
