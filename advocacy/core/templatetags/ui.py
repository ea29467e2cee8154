from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import format_html, format_html_join

register = template.Library()

# 24x24 stroke icons (own drawings in the style of common line icon sets)
ICONS = {
    "home": "M3 11l9-8 9 8v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z",
    "users": "M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM22 21v-2a4 4 0 0 0-3-3.9M16 3.1a4 4 0 0 1 0 7.8",
    "layers": "M12 2l10 5-10 5L2 7zM2 17l10 5 10-5M2 12l10 5 10-5",
    "mail": "M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zM22 6l-10 7L2 6",
    "shield": "M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z",
    "settings": "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z",
    "file": "M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zM14 2v6h6M16 13H8M16 17H8M10 9H8",
    "share": "M18 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM6 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM18 22a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM8.6 13.5l6.8 4M15.4 6.5l-6.8 4",
    "flag": "M4 15s1-1 4-1 5 2 8 2 4-1 4-1V3s-1 1-4 1-5-2-8-2-4 1-4 1zM4 22v-7",
    "chart": "M18 20V10M12 20V4M6 20v-6",
    "key": "M21 2l-2 2m-7.6 7.6a5.5 5.5 0 1 1-7.8 7.8 5.5 5.5 0 0 1 7.8-7.8zm0 0L15.5 7.5m0 0l3 3L22 7l-3-3m-3.5 3.5L19 4",
    "book": "M4 19.5A2.5 2.5 0 0 1 6.5 17H20M6.5 2H20v20H6.5A2.5 2.5 0 0 1 4 19.5v-15A2.5 2.5 0 0 1 6.5 2z",
    "check": "M20 6L9 17l-5-5",
    "hash": "M4 9h16M4 15h16M10 3L8 21M16 3l-2 18",
    "target": "M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM12 18a6 6 0 1 0 0-12 6 6 0 0 0 0 12zM12 14a2 2 0 1 0 0-4 2 2 0 0 0 0 4z",
    "inbox": "M22 12h-6l-2 3h-4l-2-3H2M5.5 5.1L2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.5-6.9A2 2 0 0 0 16.8 4H7.2a2 2 0 0 0-1.7 1.1z",
    "logout": "M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9",
    "chevron": "M6 9l6 6 6-6",
    "dot": "M12 13a1 1 0 1 0 0-2 1 1 0 0 0 0 2z",
    "lightbulb": "M9 18h6M10 22h4M12 2a7 7 0 0 0-4 12.7V17h8v-2.3A7 7 0 0 0 12 2z",
    "help": "M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM9.1 9a3 3 0 0 1 5.8 1c0 2-3 3-3 3M12 17h.01",
    "download": "M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M7 10l5 5 5-5M12 15V3",
    "star": "M12 2l3.1 6.3 6.9 1-5 4.9 1.2 6.8L12 17.8 5.8 21l1.2-6.8-5-4.9 6.9-1z",
}


@register.simple_tag
def icon(name, size=18):
    return _icon(name, size)


SPRITE = "img/icons.svg"  # made from ICONS by `manage.py write_icon_sprite` (a test checks it is current)


def sprite_svg() -> str:
    """The icon sprite: one <symbol> per icon, drawn with the stroke style set on `.icon` (app.css)."""
    symbols = "".join(
        f'<symbol id="{name}" viewBox="0 0 24 24"><path d="{path}"/></symbol>' for name, path in sorted(ICONS.items())
    )
    return f'<svg xmlns="http://www.w3.org/2000/svg">{symbols}</svg>\n'


@lru_cache(maxsize=512)
def _icon(name, size):
    """An icon from the sprite: the browser fetches and caches the drawings once, a page carries only
    references to them."""
    from django.templatetags.static import static

    name = name if name in ICONS else "dot"
    return format_html(
        '<svg class="icon" width="{}" height="{}" aria-hidden="true"><use href="{}#{}"></use></svg>',
        size,
        size,
        static(SPRITE),
        name,
    )


@register.filter
def initials(user) -> str:
    name = getattr(user, "full_name", "") or getattr(user, "email", "?")
    parts = [p for p in name.replace("@", " ").replace(".", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


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
    return _render_nav(template_name, request.organization.slug, membership.actions, current, tuple(membership.roles))


@lru_cache(maxsize=2048)
def _render_nav(template_name, org_slug, actions, current, roles):
    from django.template.loader import render_to_string

    from advocacy.navigation import DESCRIPTIONS, nav_links
    from advocacy.permissions import Role

    sections = [
        (
            section,
            [
                {"label": lb, "url": url, "icon": ic, "active": current == name, "description": DESCRIPTIONS.get(name)}
                for lb, url, ic, name in items
            ],
        )
        for section, items in nav_links(org_slug, actions)
    ]
    labels = dict(Role.choices)
    roles_display = ", ".join(labels.get(r, r) for r in roles)
    return render_to_string(template_name, {"sections": sections, "roles_display": roles_display})


@register.simple_tag(takes_context=True)
def topbar(context):
    """The top bar (advocacy/core/chrome.py)."""
    from advocacy.core.chrome import topbar as build

    request = context.get("request")
    organization = context.get("organization")
    membership = context.get("membership")
    user = context.get("user")
    if user is None:  # a page rendered without the auth context processor: as for a visitor
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    switcher = context.get("my_memberships")
    return build(
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
    from django.urls import reverse

    return reverse(view_name, kwargs=dict(kwargs), urlconf=urlconf)


@register.filter
def num(value):
    """A whole number with thousands separators ("12,345"): humanize's intcomma for counts, without its
    per-call localization lookups (the interface is English)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    from django.contrib.humanize.templatetags.humanize import intcomma

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
