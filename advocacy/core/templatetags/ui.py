"""The `ui` template tags: icons, the sidebar and the top bar (built in advocacy/core/chrome.py),
cached URL reversing, numbers and <option> lists."""

from functools import lru_cache

from django import template
from django.contrib.auth.models import AnonymousUser
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html_join

from advocacy import navigation
from advocacy.core import chrome
from advocacy.core.chrome import ICONS as ICONS  # re-exported: the icons' public place is `ui` for its callers
from advocacy.core.chrome import SPRITE as SPRITE
from advocacy.core.chrome import sprite_svg as sprite_svg
from advocacy.permissions import Role

register = template.Library()

register.filter("initials", chrome.initials)


@register.simple_tag
def icon(name, size=18):
    return chrome.icon_svg(name, size)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (pagination, filters)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def nav_block(context, template_name):
    """The sidebar or the mobile menu, rendered once per (organization, allowed actions, current page)
    and kept in this process: its content is a pure function of those."""
    request = context["request"]
    membership = request.membership
    current = request.resolver_match.url_name if request.resolver_match else None
    hidden = navigation.hidden_entries(request)  # entries whose condition (an organization setting) says no
    return _render_nav(
        template_name, request.organization.slug, membership.actions, current, tuple(membership.roles), hidden
    )


@lru_cache(maxsize=2048)
def _render_nav(template_name, org_slug, actions, current, roles, hidden=frozenset()):
    descriptions = navigation.descriptions()
    sections = [
        (
            section,
            [
                {"label": lb, "url": url, "icon": ic, "active": current == name, "description": descriptions.get(name)}
                for lb, url, ic, name in items
            ],
        )
        for section, items in navigation.nav_links(org_slug, actions, hidden)
    ]
    labels = dict(Role.choices)
    roles_display = ", ".join(labels.get(r, r) for r in roles)
    return render_to_string(template_name, {"sections": sections, "roles_display": roles_display})


@register.simple_tag(takes_context=True)
def topbar(context):
    """The top bar (advocacy/core/chrome.py)."""
    request = context.get("request")
    organization = context.get("organization")
    membership = context.get("membership")
    user = context.get("user")
    if user is None:  # a page rendered without the auth context processor: as for a visitor
        user = AnonymousUser()
    switcher = context.get("my_memberships")
    return chrome.topbar(
        user=user,
        organization=organization,
        memberships=(switcher() if callable(switcher) else switcher) or [] if user.is_authenticated else [],
        mobile_nav=nav_block(context, "core/_mobile_nav.html") if organization and membership and request else "",
        csrf_token=context.get("csrf_token"),
    )


@register.simple_tag(name="cached_url")
def cached_url(view_name, **kwargs):
    """`{% url %}` for hot pages: each (name, arguments) is reversed once per process (Django's reverse
    costs tens of microseconds, and a page reverses the same few addresses on every request)."""
    return _reverse(view_name, tuple(sorted(kwargs.items())), get_script_prefix(), get_urlconf())


@lru_cache(maxsize=8192)
def _reverse(view_name, kwargs, prefix, urlconf):
    return reverse(view_name, kwargs=dict(kwargs), urlconf=urlconf)


@register.filter
def num(value):
    """A whole number with thousands separators ("12,345"): humanize's intcomma for counts, without its
    per-call localization lookups (the interface is English)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return intcomma(value)


@register.simple_tag
def options(choices, selected=None):
    """<option>s for a <select> from (id, label) pairs, the selected one marked: one join instead of a
    template loop (an organization of 10,000 people has hundreds of teams). Labels are escaped."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((int(pk), " selected" if pk == selected else "", label) for pk, label in choices),
    )
