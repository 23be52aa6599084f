"""StreamField blocks for article bodies."""

from django.utils.text import slugify
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from core.blocks import body_blocks

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4", "code", "superscript"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(choices=[("h2", "Section (H2)"), ("h3", "Subsection (H3)")], default="h2")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["anchor"] = slugify(value["text"])
        return context

    class Meta:
        icon = "title"
        template = "blog/blocks/heading.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(required=False, help_text="Describe the image for screen readers.")
    caption = blocks.CharBlock(required=False)
    source = blocks.CharBlock(required=False, help_text='Shown as "Image Source - …".')

    class Meta:
        icon = "image"
        template = "blog/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False)

    class Meta:
        icon = "openquote"
        template = "blog/blocks/quote.html"


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=300)
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)


class FAQBlock(blocks.StructBlock):
    title = blocks.CharBlock(default="Frequently asked questions")
    items = blocks.ListBlock(FAQItemBlock(), min_num=1)

    class Meta:
        icon = "help"
        template = "blog/blocks/faq.html"


class DisclaimerBlock(blocks.StructBlock):
    title = blocks.CharBlock(default="Disclaimer")
    text = blocks.RichTextBlock(features=["bold", "italic", "link"])

    class Meta:
        icon = "warning"
        template = "blog/blocks/disclaimer.html"


class CallToActionBlock(blocks.StructBlock):
    headline = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    button_text = blocks.CharBlock(max_length=40)
    button_url = blocks.URLBlock(required=False)
    button_page = blocks.PageChooserBlock(required=False)

    class Meta:
        icon = "pick"
        template = "blog/blocks/call_to_action.html"


class TableWithCaptionBlock(blocks.StructBlock):
    table = TableBlock()
    caption = blocks.CharBlock(required=False)

    class Meta:
        icon = "table"
        template = "blog/blocks/table.html"


ARTICLE_BLOCKS = [
    ("heading", HeadingBlock()),
    ("paragraph", blocks.RichTextBlock(features=RICH_TEXT_FEATURES, icon="pilcrow")),
    ("image", CaptionedImageBlock()),
    ("quote", QuoteBlock()),
    ("table", TableWithCaptionBlock()),
    ("embed", EmbedBlock(help_text="A YouTube, X or other oEmbed URL.", icon="media")),
    ("faq", FAQBlock()),
    ("disclaimer", DisclaimerBlock()),
    ("call_to_action", CallToActionBlock()),
]


class ArticleBody:
    """An article body's block types: the blog's own, then those other apps registered
    (core.blocks). Read when the StreamField first needs them, once every app is ready."""

    def __iter__(self):
        yield from ARTICLE_BLOCKS
        yield from body_blocks


def live_block_names():
    return body_blocks.live_names
