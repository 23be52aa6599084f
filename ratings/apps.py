from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "Token ratings"

    def ready(self):
        from core.blocks import body_blocks

        from .blocks import TopTokensBlock

        body_blocks.register("top_tokens", TopTokensBlock(), live=True)
