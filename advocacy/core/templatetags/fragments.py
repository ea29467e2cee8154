"""Cached template fragments, through the cache contract (advocacy/core/cache.py):

    {% load fragments %}
    {% cachedfragment "content.feed-card" organization.pk item.pk q %} ...template... {% endcachedfragment %}

The first argument names a declared `Cached`; the next ones are its scope ids, then the parts of the
key. The fragment is rendered by the template engine and kept until a write its declaration names makes
it stale (like Django's `{% cache %}`, keyed by the contract's generation). The first fragment a page
renders fetches the entries of every fragment of that page in one round trip (those whose key the page's
context already gives; one inside a loop is read on its own).

`valid_for=<value>` (last): the fragment is kept with that value and served only while the page's value is
equal (what it shows, when that is known only from data read in the same request: a kept fragment of
other data is rendered again, never shown)."""

from weakref import WeakKeyDictionary

from django import template

from advocacy.core.cache import declarations, prefetch

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, values, valid_for=None):
        self.nodelist, self.name, self.values, self.valid_for = nodelist, name, values, valid_for

    def target(self, context) -> tuple:
        cached = declarations()[self.name.resolve(context)]
        values = [value.resolve(context) for value in self.values]
        size = len(cached.scope)
        return cached, tuple(values[:size]), values[size:]

    def render(self, context):
        if context.template is not None:
            _prefetch_page(context)
        cached, scope, parts = self.target(context)
        if self.valid_for is None:
            return cached.get_or_compute(scope, *parts, compute=lambda: self.nodelist.render(context))
        shown = self.valid_for.resolve(context)
        kept = cached.get_or_compute(
            scope,
            *parts,
            compute=lambda: (shown, self.nodelist.render(context)),
            still_valid=lambda value: value[0] == shown,
        )
        return kept[1]


_NODES: WeakKeyDictionary = WeakKeyDictionary()


def _prefetch_page(context) -> None:
    """Every fragment of the page being rendered, in one round trip, the first time one renders."""
    page = context.render_context.dicts[0]  # the whole render's layer (an include pushes its own)
    if page.get(_prefetch_page):
        return
    page[_prefetch_page] = True
    nodes = _NODES.get(context.template)
    if nodes is None:  # once per compiled template (the cached loader keeps them)
        nodes = _NODES[context.template] = context.template.nodelist.get_nodes_by_type(FragmentNode)
    keys = []
    for node in nodes:
        cached, scope, parts = node.target(context)
        keys += cached.keys(scope, *parts)
    prefetch(keys)


@register.tag("cachedfragment")
def cachedfragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a declared cache's name and its scope ids")
    valid_for = None
    if bits[-1].startswith("valid_for="):
        valid_for = parser.compile_filter(bits.pop()[len("valid_for=") :])
    nodelist = parser.parse(("endcachedfragment",))
    parser.delete_first_token()
    values = [parser.compile_filter(bit) for bit in bits[2:]]
    return FragmentNode(nodelist, parser.compile_filter(bits[1]), values, valid_for)
