"""Walk the whole permission map: every action names only real roles, every role's allowed set
matches the map, and every org view declares an action that exists."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from advocacy.permissions import ACTIONS, Role, allowed_actions, role_may


def test_every_action_allows_only_known_roles():
    for action, roles in ACTIONS.items():
        assert roles, f"{action} allows nobody"
        assert set(roles) <= set(Role), action


@pytest.mark.parametrize("role", list(Role))
def test_allowed_actions_match_the_map(role):
    expected = {action for action, roles in ACTIONS.items() if role in roles}
    assert allowed_actions([role]) == expected
    for action in ACTIONS:
        assert role_may([role], action) == (action in expected)


def test_roles_combine():
    combined = allowed_actions([Role.EMPLOYEE, Role.HR])
    assert combined == allowed_actions([Role.EMPLOYEE]) | allowed_actions([Role.HR])


def test_unknown_action_is_an_error():
    with pytest.raises(KeyError):
        role_may([Role.ADMIN], "no.such.action")


def test_nobody_but_admins_manage_members():
    assert ACTIONS["members.manage"] == {Role.ADMIN}


def _views(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _views(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.callback


def test_every_org_page_declares_a_known_action():
    """HTML pages under /o/ go through @org_view(action) so the map is the one source of truth."""
    for route, callback in _views(get_resolver().url_patterns):
        if not route.startswith("o/<slug:org_slug>/"):
            continue
        action = getattr(callback, "required_action", "missing")
        assert action == "missing" or action is None or action in ACTIONS, route
        assert action != "missing", f"{route} is not wrapped in @org_view(...)"
