"""Reading time from a StreamField body: plain words at an adult reading pace."""

import math
import re

from django.utils.html import strip_tags

WORDS_PER_MINUTE = 230
_WORD = re.compile(r"[\w'’-]+")


def count_words(text):
    return len(_WORD.findall(strip_tags(text)))


def reading_minutes(stream_value):
    """Whole minutes to read every block's text, never less than one."""
    text = " ".join(
        chunk
        for block in stream_value
        for chunk in block.block.get_searchable_content(block.value)
    )
    return max(1, math.ceil(count_words(text) / WORDS_PER_MINUTE))
