"""Issues as plain text: what a text-only mail client (or a screen reader) gets.

Each block type has its own small renderer, so a token table reads as a numbered list
with grades and links rather than as the words left over after stripping its tags.
Every link is absolute: a mail client has no page to resolve a relative one against.
"""

import re
import textwrap
from html.parser import HTMLParser

from django.template.defaultfilters import floatformat
from django.urls import reverse
from wagtail.rich_text import expand_db_html

from core.links import absolute

WIDTH = 72


def issue_text(body):
    """The issue body (a StreamValue) as plain text, blocks separated by blank lines."""
    parts = (render_block(block.block_type, block.value) for block in body)
    return "\n\n".join(part for part in parts if part)


def render_block(block_type, value):
    renderer = RENDERERS.get(block_type)
    return renderer(value).strip() if renderer else ""


def heading(text):
    text = str(text).strip()
    return f"{text}\n{'-' * min(len(text), WIDTH)}"


def paragraph(rich_text):
    source = getattr(rich_text, "source", str(rich_text))
    return html_to_text(expand_db_html(source))


def image(image_value):
    alt = getattr(image_value, "default_alt_text", "") or getattr(image_value, "title", "")
    return f"[Image: {alt}]" if alt else ""


def one_decimal(value):
    """As the HTML shows it (floatformat rounds halves up): 71.25 -> "71.3"."""
    return floatformat(value, 1)


def signed(value):
    text = one_decimal(value)
    return text if text.startswith("-") or float(text) == 0 else f"+{text}"


def token_table(value):
    lines = [heading(value["heading"])]
    for number, row in enumerate(value["rows"], start=1):
        change = row.get("change")
        moved = f" ({signed(change)})" if change is not None else ""
        grade = one_decimal(row["grade"])
        lines.append(f"{number}. {row['name']} ({row['symbol']}): {value['grade_label']} {grade}{moved}")
        if row.get("note"):
            lines.append(f"   {row['note']}")
        lines.append(f"   {absolute(reverse('ratings:token', args=[row['slug']]))}")
    return "\n".join(lines)


def articles(value):
    lines = [heading(value["heading"])]
    for article in value["articles"]:
        if article is not None and article.live:
            lines.append(f"- {article.title}")
            lines.append(f"  {absolute(article.url)}")
    return "\n".join(lines) if len(lines) > 1 else ""


def button(value):
    return f"{value['text']}: {absolute(value['url'])}"


def promotion(value):
    lines = [f"Sponsored: {value['disclosure']}" if value.get("sponsored") else ""]
    lines += [value.get("headline") or value.get("alt_text") or "", value.get("text") or ""]
    lines.append(f"{value.get('link_text') or 'Learn more'}: {absolute(value['link'])}")
    return "\n".join(line for line in lines if line)


RENDERERS = {
    "heading": heading,
    "paragraph": paragraph,
    "image": image,
    "token_table": token_table,
    "articles": articles,
    "button": button,
    "promotion": promotion,
}


class _TextParser(HTMLParser):
    """Email-safe rich text (paragraphs, lists, bold, italic, links) to wrapped text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs = []  # (first-line prefix, text)
        self.current = []
        self.prefix = ""
        self.lists = []  # one counter per open list; None for bullets
        self.href = None
        self.link_text = []

    def flush(self):
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            self.paragraphs.append((self.prefix, text))
        self.current, self.prefix = [], ""

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "div", "br"):
            self.flush()
        elif tag in ("ul", "ol"):
            self.flush()
            self.lists.append(0 if tag == "ol" else None)
        elif tag == "li":
            self.flush()
            indent = "  " * (len(self.lists) - 1)
            if self.lists and self.lists[-1] is not None:
                self.lists[-1] += 1
                self.prefix = f"{indent}{self.lists[-1]}. "
            else:
                self.prefix = f"{indent}- "
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = []

    def handle_endtag(self, tag):
        if tag in ("p", "div", "li"):
            self.flush()
        elif tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
        elif tag == "a" and self.href is not None:
            text = "".join(self.link_text).strip()
            url = absolute(self.href)
            if url != text:
                self.current.append(f" ({url})")
            self.href = None

    def handle_data(self, data):
        self.current.append(data)
        if self.href is not None:
            self.link_text.append(data)

    def text(self):
        self.flush()
        blocks = []
        for prefix, text in self.paragraphs:
            blocks.append(
                textwrap.fill(
                    text,
                    WIDTH,
                    initial_indent=prefix,
                    subsequent_indent=" " * len(prefix),
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            )
        # List items sit on consecutive lines; paragraphs get a blank line between them.
        out = []
        for (prefix, _), block in zip(self.paragraphs, blocks, strict=True):
            if out and not (prefix and out[-1][0]):
                out.append((None, ""))
            out.append((prefix, block))
        return "\n".join(block for _, block in out)


def html_to_text(html):
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return parser.text()
