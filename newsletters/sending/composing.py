"""Newsletter email bytes composed fast: the MIME structure once per subject, filled per recipient.

Python's email package takes milliseconds per 20 KB message, longer than sending it; a
Skeleton keeps the bytes Django composes and swaps in each recipient's values.
fold_long_lines keeps HTML lines short enough for SMTP, so bodies go out as 8bit.
"""

import re
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME


class Skeleton:
    """A newsletter email as Django composes it, with slots for what changes per recipient.

    Django builds the message once with placeholder values; the bytes are split at the
    placeholders, and each message is the pieces joined with its own recipient, Date,
    Message-ID, header values and bodies. The bodies go out as 8bit, as Django sends
    them when no line is longer than SMTP allows; a message that does not fit (a longer
    line, a non-ASCII address or header value) returns None and takes Django's own path.
    """

    MAX_LINE = 998  # octets, RFC 5322

    def __init__(self, subject, from_email, header_names):
        self.header_names = header_names
        slots = {
            "to": "slot-to@slot.invalid",
            "date": "slot-date",
            "message_id": "<slot-message-id@slot.invalid>",
            # A non-ASCII placeholder makes Django label the parts 8bit, as real bodies need.
            "text": "slot-text-body\u00b7",
            "html": "slot-html-body\u00b7",
            **{f"header{n}": f"<slot-header-{n}@slot.invalid>" for n in range(len(header_names))},
        }
        email = EmailMultiAlternatives(
            subject,
            slots["text"],
            from_email,
            [slots["to"]],
            headers={
                "Date": slots["date"],
                "Message-ID": slots["message_id"],
                **{name: slots[f"header{n}"] for n, name in enumerate(header_names)},
            },
        )
        email.attach_alternative(slots["html"], "text/html")
        wire = email.message().as_bytes(linesep="\r\n")
        by_bytes = {value.encode(): name for name, value in slots.items()}
        pieces = re.split(b"(" + b"|".join(re.escape(value) for value in by_bytes) + b")", wire)
        self.pieces = [by_bytes.get(piece, piece) for piece in pieces]  # slot names are str
        if sorted(piece for piece in self.pieces if isinstance(piece, str)) != sorted(slots):
            self.pieces = None  # a placeholder came out re-encoded: every message takes Django's path

    def fill(self, message):
        if self.pieces is None or not PLAIN_ADDRESS.fullmatch(message.to):
            return None
        values = {"to": message.to}
        for number, name in enumerate(self.header_names):
            values[f"header{number}"] = message.headers[name]
        if not all(plain_header_value(value) for value in values.values()):
            return None
        values = {name: value.encode() for name, value in values.items()}
        values["text"] = self.body(message.text)
        values["html"] = self.body(message.html)
        if values["text"] is None or values["html"] is None:
            return None
        values["date"] = formatdate(localtime=settings.EMAIL_USE_LOCALTIME).encode()
        values["message_id"] = make_msgid(domain=DNS_NAME).encode()
        return b"".join(values[piece] if isinstance(piece, str) else piece for piece in self.pieces)

    def body(self, text):
        wire = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n").encode()
        if max(map(len, wire.split(b"\r\n"))) > self.MAX_LINE:
            return None
        return wire


PLAIN_ADDRESS = re.compile(r"[^\s,;<>\"()\[\]\\]+@[^\s,;<>\"()\[\]\\@]+")


def plain_header_value(value):
    return value.isascii() and not any(character in value for character in "\r\n\0")


def fold_long_lines(html, width=800):
    """Break HTML lines longer than `width` octets between words, never inside a tag.

    SMTP allows 998 octets a line; a longer line (a long rich-text paragraph renders as
    one) would make every message quoted-printable encoded, which is slow to compose and
    to send. Outside tags a line break is the same white space to a mail client. A run
    with no space (a preheader padded with entities) breaks before an entity instead.
    """
    folded = []
    for line in html.split("\n"):
        if len(line.encode()) <= width:
            folded.append(line)
            continue
        start, size, space, entity, in_tag = 0, 0, None, None, False
        for position, character in enumerate(line):
            if character == "<":
                in_tag = True
            elif character == ">":
                in_tag = False
            elif character == " " and not in_tag:
                space = position
            elif character == "&" and not in_tag and position > start:
                entity = position
            size += len(character.encode())
            if size > width and (space is not None or entity is not None):
                if space is not None:
                    folded.append(line[start:space])
                    start = space + 1
                else:
                    folded.append(line[start:entity])
                    start = entity
                space = entity = None
                size = len(line[start : position + 1].encode())
        folded.append(line[start:])
    return "\n".join(folded)
