from django.apps import AppConfig


class AwardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "awards"
    verbose_name = "Awards"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core import outbox
        from core.blocks import body_blocks

        from . import emails
        from .blocks import AwardResultsBlock
        from .models import Category, Nominee, Program
        from .results import forget_rendered

        body_blocks.register("award_results", AwardResultsBlock(), live=True)
        outbox.composers.register(emails.BALLOT_EMAIL, emails.ballot_email)
        for model in (Program, Category, Nominee):
            for signal in (post_save, post_delete):
                signal.connect(forget_rendered, sender=model, dispatch_uid=f"awards.forget.{model.__name__}")
