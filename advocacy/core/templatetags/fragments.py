"""Cached template fragments, through the cache contract (advocacy/core/cache.py):

    {% load fragments %}
    {% cachedfragment "content.feed-card" organization.pk item.pk q %} ...template... {% endcachedfragment %}

The first argument names a declared `Cached`; the next ones are its scope ids, then the parts of the
key. The fragment is rendered by the template engine and kept until a write its declaration names makes
it stale (like Django's `{% cache %}`, keyed by the contract's generation). A view may prefetch the keys
of a page's fragments (`Cached.keys`) so they all come in one round trip."""

from django import template

from advocacy.core.cache import declarations

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, values):
        self.nodelist, self.name, self.values = nodelist, name, values

    def render(self, context):
        cached = declarations()[self.name.resolve(context)]
        values = [value.resolve(context) for value in self.values]
        size = len(cached.scope)
        return cached.get_or_compute(
            tuple(values[:size]), *values[size:], compute=lambda: self.nodelist.render(context)
        )


@register.tag("cachedfragment")
def cachedfragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a declared cache's name and its scope ids")
    nodelist = parser.parse(("endcachedfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]])
