"""{% cachefragment "name" vary_on... [only_if=condition] %}...{% endcachefragment %}

Like Django's {% cache %}, but every key carries the generation (core.caching), so a
publish, unpublish or snippet change retires all fragments at once, and previews
(which render unsaved content) never read or write the cache.

{% cachefragment parts "part" %}...{% endcachefragment %}: one part of a core.fragments.PageParts
that the view looked up already (printed when stored, else rendered and stored). Where the
view made none (``parts`` is missing), the part is rendered uncached.
"""

from django import template
from django.conf import settings
from django.core.cache import cache

from core.caching import fragment_key
from core.fragments import PageParts

register = template.Library()


class FragmentCacheNode(template.Node):
    def __init__(self, nodelist, name, vary_on, only_if=None):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.only_if = only_if

    def render(self, context):
        name = self.name.resolve(context)
        if isinstance(name, PageParts) or name in ("", None):
            return self.render_part(context, name)
        request = context.get("request")
        seconds = settings.FRAGMENT_CACHE_SECONDS
        if (
            not seconds
            or request is None
            or getattr(request, "is_preview", False)
            or (self.only_if is not None and not self.only_if.resolve(context))
        ):
            return self.nodelist.render(context)
        key = fragment_key(
            request, name, *(value.resolve(context) for value in self.vary_on)
        )
        if key is None:  # the cache is unreachable
            return self.nodelist.render(context)
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(key, html, seconds)
        return html

    def render_part(self, context, parts):
        if not parts:
            return self.nodelist.render(context)
        part = self.vary_on[0].resolve(context)
        html = parts.get(part)
        if html is None:
            html = self.nodelist.render(context)
            parts.put(part, html)
        return html


@register.tag("cachefragment")
def do_cachefragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% cachefragment %} needs a fragment name.")
    only_if = None
    if bits[-1].startswith("only_if="):
        only_if = parser.compile_filter(bits.pop().removeprefix("only_if="))
    nodelist = parser.parse(("endcachefragment",))
    parser.delete_first_token()
    return FragmentCacheNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]], only_if
    )
