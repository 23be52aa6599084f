"""Text from outside (a market-data provider, a feed) made safe to store and to put in a
one-line place such as an email subject or header.

Control and format characters (Unicode categories Cc and Cf: CR, LF, TAB, NUL, escape
codes, zero-width and bidi-override characters) and line or paragraph separators are
never kept: the ones that separate words (CR, LF, TAB, vertical tab, form feed, NEL and
the Unicode line and paragraph separators) become a space, the rest are removed. Runs of
spaces shrink to one, the ends are trimmed and the result is cut to a maximum length.
"""

import re
import unicodedata

SEPARATORS = frozenset("\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029")
SPACES = re.compile(r"\s+")


def one_line(value, max_length=None):
    """``value`` as a single trimmed line of printable text, at most ``max_length`` long."""
    if value is None:
        return ""
    kept = []
    for character in str(value):
        if character in SEPARATORS:
            kept.append(" ")
        elif unicodedata.category(character) not in ("Cc", "Cf"):
            kept.append(character)
    text = SPACES.sub(" ", "".join(kept)).strip()
    if max_length is not None and len(text) > max_length:
        text = text[:max_length].rstrip()
    return text
