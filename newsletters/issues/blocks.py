"""Blocks for newsletter issues: what a briefing is made of, frozen when it is drafted.

Figures are stored in the block values, not looked up when rendered, so the archive shows
what subscribers were sent even after the grades move on. Also the sign-up box that
articles embed (offered to article bodies through core.blocks in NewslettersConfig.ready()).
"""

import secrets

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

# What survives in email clients: no headings inside text, code or superscript.
RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class TokenRowBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=120)
    symbol = blocks.CharBlock(max_length=30)
    slug = blocks.CharBlock(max_length=120, help_text="Links to the token's page.")
    grade = blocks.FloatBlock(help_text="Grade on the day, 0-100.")
    change = blocks.FloatBlock(required=False, help_text="Points since the day before.")
    note = blocks.CharBlock(required=False, max_length=200)


class TokenTableBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    grade_label = blocks.CharBlock(max_length=40, default="Trader Grade")
    rows = blocks.ListBlock(TokenRowBlock())

    class Meta:
        icon = "table"
        label = "Token table"
        template = "newsletters/blocks/token_table.html"


class ArticleListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="New research")
    articles = blocks.ListBlock(blocks.PageChooserBlock(page_type="blog.ArticlePage"))

    class Meta:
        icon = "doc-full"
        label = "Articles"
        template = "newsletters/blocks/article_list.html"


class ButtonBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=60)
    url = blocks.URLBlock()

    class Meta:
        icon = "link"
        label = "Button"
        template = "newsletters/blocks/button.html"


class PromotionBlock(blocks.StructBlock):
    """A sponsor's placement or one of our own promotions, frozen into the issue when it is
    drafted (core.promotions fills it). A sponsored one says so, with the disclosure."""

    sponsored = blocks.BooleanBlock(required=False, help_text="Labelled \"Sponsored\" with the disclosure.")
    disclosure = blocks.CharBlock(required=False, max_length=200)
    headline = blocks.CharBlock(required=False, max_length=90)
    text = blocks.TextBlock(required=False, max_length=280)
    image = ImageChooserBlock(required=False)
    alt_text = blocks.CharBlock(required=False, max_length=200)
    link = blocks.URLBlock(max_length=500)
    link_text = blocks.CharBlock(required=False, max_length=40)
    creative = blocks.IntegerBlock(required=False, help_text="The sponsor's creative, for its report.")
    slot = blocks.CharBlock(required=False, max_length=20)

    class Meta:
        icon = "pick"
        label = "Promotion"
        template = "newsletters/blocks/promotion.html"


class IssueBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(max_length=120, icon="title", template="newsletters/blocks/heading.html")
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, icon="pilcrow")
    image = ImageChooserBlock(template="newsletters/blocks/image.html")
    token_table = TokenTableBlock()
    articles = ArticleListBlock()
    button = ButtonBlock()
    promotion = PromotionBlock()


class NewsletterSignupBlock(blocks.StructBlock):
    """The sign-up box inside an article: one chosen newsletter, or the default ones."""

    heading = blocks.CharBlock(
        required=False, max_length=120, help_text='Defaults to "Want smarter crypto picks - free?".'
    )
    newsletter = blocks.PageChooserBlock(
        page_type="newsletters.NewsletterPage",
        required=False,
        help_text="Leave empty to sign readers up for the newsletters marked as default.",
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        newsletter = value.get("newsletter")
        # An unpublished newsletter cannot be signed up for: fall back to the defaults.
        context["newsletter_ids"] = [newsletter.pk] if newsletter is not None and newsletter.live else []
        context["box"] = f"signup-{secrets.token_hex(4)}"  # several boxes on a page need distinct ids
        return context

    class Meta:
        icon = "mail"
        label = "Newsletter sign-up"
        template = "newsletters/blocks/signup.html"
