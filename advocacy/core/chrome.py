"""The page's top bar (brand, menu, organization switcher, account menu), made in Python.

It is on every page and per person, so it is neither cached (the sidebar is, per organization and
role: core/templatetags/ui.py) nor rendered by the template engine, which costs a node per variable,
`if`, `url` and icon. Everything a person or an organization typed goes through `escape`.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from advocacy.core.templatetags.ui import _icon, initials


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
            '    <summary aria-label="Switch organization">\n'
            f'      <span class="org-chip">{chip}</span>{_icon("chevron", 14)}\n'
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
                f"\n{_icon('check', 14) if current else ''}</a>\n"
            )
        parts.append("    </div>\n  </details>\n")
    parts.append(
        '  <div class="topbar-spacer"></div>\n'
        '  <details class="menu user-menu">\n'
        f'    <summary aria-label="Account menu"><span class="avatar">{escape(initials(user))}</span>'
        f'<span class="user-name">{escape(user.display_name)}</span>{_icon("chevron", 14)}</summary>\n'
        '    <div class="menu-panel menu-right" role="menu">\n'
        f'      <div class="menu-title">{escape(user.email)}</div>\n'
        f'      <a role="menuitem" class="menu-item" href="{escape(urls["email"])}">Email addresses</a>\n'
        f'      <a role="menuitem" class="menu-item" href="{escape(urls["password"])}">Password</a>\n'
        f'      <a role="menuitem" class="menu-item" href="{escape(urls["mfa"])}">Two-factor authentication</a>\n'
        f'      <a role="menuitem" class="menu-item" href="{escape(urls["tokens"])}">API tokens</a>\n'
        f'      <form method="post" action="{escape(urls["logout"])}">{csrf_input(csrf_token)}\n'
        f'        <button type="submit" class="menu-item menu-button">{_icon("logout", 14)} Sign out</button>\n'
        "      </form>\n    </div>\n  </details>\n</header>"
    )
    return mark_safe("".join(parts))  # noqa: S308 - every typed value is escaped above
