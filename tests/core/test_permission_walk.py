"""Meta-test: every page under /o/<slug>/ that names an action of the permission map answers 403 to a
member whose only role lacks that action, for every method the page accepts, and changes nothing."""

import pytest

from advocacy.core.registry import url_kwarg_makers
from advocacy.permissions import Role, role_may
from tests.factories import MembershipFactory
from tests.tenancy.test_cross_tenant_urls import _fill, _keywords, _rows_of, org_routes

PAGE_PREFIX = "o/<slug:org_slug>/"


def guarded_pages():
    """(route, action, role) for each page with a required action and each role that lacks it."""
    cases = []
    for route, entry in org_routes():
        action = getattr(entry.callback, "required_action", None)
        if not route.startswith(PAGE_PREFIX) or action is None:
            continue
        for role in Role:
            if not role_may([role], action):
                cases.append((route, action, role.value))
    return cases


def test_the_walk_covers_every_guarded_area():
    actions = {action for _, action, _ in guarded_pages()}
    for expected in ("members.manage", "policies.author", "policies.publish", "content.manage", "audit.view"):
        assert expected in actions, expected


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "action", "role"), guarded_pages())
def test_a_role_without_the_action_gets_403_and_changes_nothing(route, action, role, org, client):
    values = {"org_slug": org.slug}
    for keyword in _keywords(route):
        values[keyword] = url_kwarg_makers()[keyword](org)
    url = _fill(route, values)
    client.force_login(MembershipFactory(organization=org, roles=[role]).user)
    before = _rows_of(org)
    answers = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
    allowed = {m: status for m, status in answers.items() if status != 405}
    assert allowed and all(status == 403 for status in allowed.values()), f"{url} as {role} ({action}): {answers}"
    assert _rows_of(org) == before
