"""The sidebar, by role: each entry is shown to members whose roles allow its action (and, for an entry
with a `condition`, to whom that check allows: the same check its view makes, so no link leads to a 403).

Each app declares its entries (section, label, URL name under /o/<slug>/, action, icon, the line under
its card on the home page, position) in its registration (`AppRegistration.nav`,
advocacy/core/registry.py). `NAV` and `DESCRIPTIONS` read what the installed apps declare.
"""

from collections.abc import Callable, Mapping
from functools import cache, lru_cache

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.module_loading import import_string

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


@cache
def conditions() -> tuple[tuple[NavItem, Callable], ...]:
    """(entry, check) for every entry that declares a condition, the checks imported once."""
    found = []
    for item in nav_items():
        if not item.condition:
            continue
        check = import_string(item.condition)
        if not callable(check):
            raise ImproperlyConfigured(f"sidebar entry {item.url_name}: condition {item.condition!r} is not callable")
        found.append((item, check))
    return tuple(found)


def hidden_entries(request) -> frozenset[str]:
    """URL names of the entries this member's roles allow but whose condition answers no, evaluated once
    per request (the sidebar, the mobile menu and the home page's cards ask in turn)."""
    hidden = getattr(request, "_nav_hidden", None)
    if hidden is None:
        organization, membership = request.organization, request.membership
        hidden = frozenset(
            item.url_name
            for item, check in conditions()
            if membership.may(item.action) and not check(organization, membership)
        )
        request._nav_hidden = hidden
    return hidden


@lru_cache(maxsize=4096)
def nav_links(
    org_slug: str, actions: frozenset[str], hidden: frozenset[str] = frozenset()
) -> tuple[tuple[str, tuple[tuple[str, str, str, str], ...]], ...]:
    """(section, ((label, url, icon, url_name), ...)) for these actions, without the `hidden` entries (URL
    names): a pure function, cached."""
    sections: dict[str, list[tuple[str, str, str, str]]] = {}
    for item in nav_items():
        if item.action not in actions or item.url_name in hidden:
            continue
        url = reverse(item.url_name, kwargs={"org_slug": org_slug})
        sections.setdefault(item.section, []).append((item.label, url, item.icon, item.url_name))
    return tuple((section, tuple(items)) for section, items in sections.items())
