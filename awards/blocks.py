"""StreamField blocks that other apps' pages can embed."""

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from awards import results


class AwardResultsBlock(blocks.StructBlock):
    """A category's live results (chart and table) inside an article."""

    category = SnippetChooserBlock("awards.Category")
    heading = blocks.CharBlock(required=False, help_text="Defaults to the category's title.")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        category = value.get("category")
        if category is not None:
            context["category"] = category
            context["visible"] = category.results_visible()
            if context["visible"]:
                context["results_html"] = results.rendered(category)
        return context

    class Meta:
        icon = "list-ol"
        label = "Award results"
        template = "awards/blocks/award_results.html"
