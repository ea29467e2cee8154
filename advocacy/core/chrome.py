"""The page's chrome, made in Python: the icons (and their sprite), avatar initials and the top bar
(brand, menu, organization switcher, account menu). The `ui` template tags (core/templatetags/ui.py)
put them on pages.

The top bar is on every page and per person, so it is neither cached (the sidebar is, per organization and
role: core/templatetags/ui.py) nor rendered by the template engine, which costs a node per variable,
`if`, `url` and icon. Everything a person or an organization typed goes through `escape`.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# 24x24 stroke icons (own drawings in the style of common line icon sets)
ICONS = {
    "home": "M3 11l9-8 9 8v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z",
    "users": "M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM22 21v-2a4 4 0 0 0-3-3.9M16 3.1a4 4 0 0 1 0 7.8",  # noqa: E501 - an SVG path
    "layers": "M12 2l10 5-10 5L2 7zM2 17l10 5 10-5M2 12l10 5 10-5",
    "mail": "M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zM22 6l-10 7L2 6",
    "shield": "M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z",
    "settings": "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z",  # noqa: E501 - an SVG path
    "file": "M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zM14 2v6h6M16 13H8M16 17H8M10 9H8",
    "share": "M18 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM6 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM18 22a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM8.6 13.5l6.8 4M15.4 6.5l-6.8 4",  # noqa: E501 - an SVG path
    "flag": "M4 15s1-1 4-1 5 2 8 2 4-1 4-1V3s-1 1-4 1-5-2-8-2-4 1-4 1zM4 22v-7",
    "chart": "M18 20V10M12 20V4M6 20v-6",
    "key": "M21 2l-2 2m-7.6 7.6a5.5 5.5 0 1 1-7.8 7.8 5.5 5.5 0 0 1 7.8-7.8zm0 0L15.5 7.5m0 0l3 3L22 7l-3-3m-3.5 3.5L19 4",  # noqa: E501 - an SVG path
    "book": "M4 19.5A2.5 2.5 0 0 1 6.5 17H20M6.5 2H20v20H6.5A2.5 2.5 0 0 1 4 19.5v-15A2.5 2.5 0 0 1 6.5 2z",
    "check": "M20 6L9 17l-5-5",
    "hash": "M4 9h16M4 15h16M10 3L8 21M16 3l-2 18",
    "target": "M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM12 18a6 6 0 1 0 0-12 6 6 0 0 0 0 12zM12 14a2 2 0 1 0 0-4 2 2 0 0 0 0 4z",  # noqa: E501 - an SVG path
    "inbox": "M22 12h-6l-2 3h-4l-2-3H2M5.5 5.1L2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.5-6.9A2 2 0 0 0 16.8 4H7.2a2 2 0 0 0-1.7 1.1z",  # noqa: E501 - an SVG path
    "logout": "M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9",
    "chevron": "M6 9l6 6 6-6",
    "dot": "M12 13a1 1 0 1 0 0-2 1 1 0 0 0 0 2z",
    "lightbulb": "M9 18h6M10 22h4M12 2a7 7 0 0 0-4 12.7V17h8v-2.3A7 7 0 0 0 12 2z",
    "help": "M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM9.1 9a3 3 0 0 1 5.8 1c0 2-3 3-3 3M12 17h.01",
    "download": "M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M7 10l5 5 5-5M12 15V3",
    "star": "M12 2l3.1 6.3 6.9 1-5 4.9 1.2 6.8L12 17.8 5.8 21l1.2-6.8-5-4.9 6.9-1z",
}


SPRITE = "img/icons.svg"  # made from ICONS by `manage.py write_icon_sprite` (a test checks it is current)


def sprite_svg() -> str:
    """The icon sprite: one <symbol> per icon, drawn with the stroke style set on `.icon` (app.css)."""
    symbols = "".join(
        f'<symbol id="{name}" viewBox="0 0 24 24"><path d="{path}"/></symbol>' for name, path in sorted(ICONS.items())
    )
    return f'<svg xmlns="http://www.w3.org/2000/svg">{symbols}</svg>\n'


@lru_cache(maxsize=512)
def icon_svg(name, size):
    """An icon from the sprite: the browser fetches and caches the drawings once, a page carries only
    references to them."""
    name = name if name in ICONS else "dot"
    return format_html(
        '<svg class="icon" width="{}" height="{}" aria-hidden="true"><use href="{}#{}"></use></svg>',
        size,
        size,
        static(SPRITE),
        name,
    )


def initials(user) -> str:
    name = getattr(user, "full_name", "") or getattr(user, "email", "?")
    parts = [p for p in name.replace("@", " ").replace(".", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


@lru_cache(maxsize=4096)
def org_home_url(slug: str) -> str:
    return reverse("org_home", kwargs={"org_slug": slug})


@lru_cache(maxsize=1)
def _urls() -> dict[str, str]:
    return {
        "home": reverse("home"),
        "login": reverse("account_login"),
        "email": reverse("account_email"),
        "password": reverse("account_change_password"),
        "mfa": reverse("mfa_index"),
        "tokens": reverse("api_tokens"),
        "logout": reverse("account_logout"),
    }


def csrf_input(csrf_token) -> str:
    """What `{% csrf_token %}` renders."""
    if not csrf_token or csrf_token == "NOTPROVIDED":
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)


def topbar(*, user, organization, memberships, mobile_nav: str, csrf_token) -> SafeString:
    urls = _urls()
    brand_url = org_home_url(organization.slug) if organization is not None else urls["home"]
    parts = [
        '<header class="topbar">\n'
        f'  <a class="brand" href="{escape(brand_url)}">\n'
        '    <span class="brand-mark" aria-hidden="true">A</span><span class="brand-name">Advocacy</span>\n'
        f"  </a>\n  {mobile_nav}\n"
    ]
    if not user.is_authenticated:
        parts.append(
            '  <div class="topbar-spacer"></div>\n'
            f'  <a class="btn btn-ghost" href="{escape(urls["login"])}">Sign in</a>\n</header>'
        )
        return mark_safe("".join(parts))  # noqa: S308 - URLs escaped, the menu is rendered by a template
    if memberships:
        chip = escape(organization.name) if organization is not None else "Choose organization"
        current_id = organization.pk if organization is not None else None
        parts.append(
            '  <details class="menu switcher">\n'
            # The name starts with what the chip shows (WCAG 2.5.3: a speech user says what they see);
            # what the control does follows, for screen readers only.
            "    <summary>\n"
            f'      <span class="org-chip">{chip}</span><span class="visually-hidden">, switch organization</span>'
            f"{icon_svg('chevron', 14)}\n"
            "    </summary>\n"
            '    <div class="menu-panel" role="menu">\n'
            '      <div class="menu-title">Your organizations</div>\n'
        )
        for m in memberships:
            current = m.organization_id == current_id
            name = m.organization.name
            parts.append(
                f'      <a role="menuitem" class="menu-item{" is-current" if current else ""}" '
                f'href="{escape(org_home_url(m.organization.slug))}">'
                f'<span class="avatar avatar-sm">{escape(name[:1].upper())}</span>{escape(name)}'
                f"\n{icon_svg('check', 14) if current else ''}</a>\n"
            )
        parts.append("    </div>\n  </details>\n")
    parts.append(
        '  <div class="topbar-spacer"></div>\n'
        '  <details class="menu user-menu">\n'
        f'    <summary><span class="avatar" aria-hidden="true">{escape(initials(user))}</span>'
        f'<span class="user-name">{escape(user.display_name)}</span><span class="visually-hidden">, account menu</span>'
        f"{icon_svg('chevron', 14)}</summary>\n"
        '    <div class="menu-panel menu-right" role="menu">\n'
        f'      <div class="menu-title">{escape(user.email)}</div>\n'
        f'      <a role="menuitem" class="menu-item" href="{escape(urls["email"])}">Email addresses</a>\n'
        f'      <a role="menuitem" class="menu-item" href="{escape(urls["password"])}">Password</a>\n'
        f'      <a role="menuitem" class="menu-item" href="{escape(urls["mfa"])}">Two-factor authentication</a>\n'
        f'      <a role="menuitem" class="menu-item" href="{escape(urls["tokens"])}">API tokens</a>\n'
        f'      <form method="post" action="{escape(urls["logout"])}">{csrf_input(csrf_token)}\n'
        f'        <button type="submit" class="menu-item menu-button">{icon_svg("logout", 14)} Sign out</button>\n'
        "      </form>\n    </div>\n  </details>\n</header>"
    )
    return mark_safe("".join(parts))  # noqa: S308 - every typed value is escaped above
