"""A live top-tokens table that articles can embed."""

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from .models import Token


class TopTokensBlock(blocks.StructBlock):
    """The best-graded tokens at the time the page is read (optionally of one category)."""

    heading = blocks.CharBlock(required=False, help_text='e.g. "Top DePIN tokens by Investor Grade".')
    sector = SnippetChooserBlock("ratings.Sector", required=False, help_text="Leave empty for all tokens.")
    grade = blocks.ChoiceBlock(
        choices=[("investor", "Investor Grade"), ("trader", "Trader Grade")], default="investor"
    )
    count = blocks.IntegerBlock(default=10, min_value=3, max_value=25)

    def get_context(self, value, parent_context=None):
        from .views import TOP_BY, top_tokens

        context = super().get_context(value, parent_context)
        tokens = Token.objects.all()
        if value.get("sector"):
            tokens = tokens.filter(sectors=value["sector"])
        by = value.get("grade") or "investor"
        context.update(
            {"tokens": top_tokens(tokens, by, value.get("count") or 10), "by": by, "by_label": TOP_BY[by][1]}
        )
        return context

    class Meta:
        icon = "list-ol"
        label = "Top tokens (live)"
        template = "ratings/blocks/top_tokens.html"
