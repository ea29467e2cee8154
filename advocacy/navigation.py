"""The sidebar, by role: each entry is shown to members whose roles allow its action.

Each app declares its entries (section, label, URL name under /o/<slug>/, action, icon, the line under
its card on the home page, position) in its registration (`AppRegistration.nav`,
advocacy/core/registry.py). `NAV` and `DESCRIPTIONS` read what the installed apps declare.
"""

from collections.abc import Mapping
from functools import cache, lru_cache

from django.urls import reverse

from advocacy.core.registry import NavItem, nav_items  # NavItem: what apps declare, named here too

NAV: tuple[NavItem, ...]  # annotations only: the module's __getattr__ answers with the collected entries
DESCRIPTIONS: Mapping[str, str]


@cache
def descriptions() -> Mapping[str, str]:
    """URL name -> the line under its card on the organization home page."""
    return {item.url_name: item.description for item in nav_items() if item.description}


def __getattr__(name: str):
    if name == "NAV":
        return nav_items()
    if name == "DESCRIPTIONS":
        return descriptions()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=4096)
def nav_links(org_slug: str, actions: frozenset[str]) -> tuple[tuple[str, tuple[tuple[str, str, str, str], ...]], ...]:
    """(section, ((label, url, icon, url_name), ...)) for these actions: a pure function, cached."""
    sections: dict[str, list[tuple[str, str, str, str]]] = {}
    for item in nav_items():
        if item.action not in actions:
            continue
        url = reverse(item.url_name, kwargs={"org_slug": org_slug})
        sections.setdefault(item.section, []).append((item.label, url, item.icon, item.url_name))
    return tuple((section, tuple(items)) for section, items in sections.items())
