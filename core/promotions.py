"""Promotion slots: the places on public pages and in newsletter issues that carry a paid
placement or one of our own promotions, and the notes pages show about sponsors.

The ground floor only names the places; whatever fills them registers itself here from its
AppConfig.ready() (the sponsors app). With nothing registered every slot is empty and no
page shows an empty box. Web slots are the same for every reader (they keep pages
cacheable), so a filler answers per day, never per request.

Slots on the web: ``site_banner`` (every page, under the header), ``article`` and
``article_about`` (article pages). In newsletter issues: ``newsletter_top`` and
``newsletter_middle``, frozen into the issue when it is drafted.
"""

from django.utils.safestring import mark_safe


class Filler:
    """What a filler provides; the sponsors app subclasses it."""

    def web(self, request):
        """{"slots": {slot: html}, "token_notes": {token slug: html}} for today."""
        return {"slots": {}, "token_notes": {}}

    def newsletter(self, slot, day):
        """The frozen value of an issue's promotion block for ``slot`` on ``day``, or None."""
        return None


_filler = Filler()


def register(filler):
    global _filler
    _filler = filler


def _web(request):
    # Once per request: the site banner, the article slots and a token note share one answer.
    if request is None:
        return _filler.web(None)
    if not hasattr(request, "_promotions"):
        request._promotions = _filler.web(request)
    return request._promotions


def web_slot(request, slot):
    """The slot's HTML (safe), or "" when nothing runs in it."""
    return mark_safe(_web(request)["slots"].get(slot, ""))  # noqa: S308 - rendered by the filler's templates


def token_note(request, slug):
    """The note a token's page shows when the token's project is a current sponsor, or ""."""
    return mark_safe(_web(request)["token_notes"].get(slug, ""))  # noqa: S308 - as above


def newsletter_slot(slot, day):
    return _filler.newsletter(slot, day)
