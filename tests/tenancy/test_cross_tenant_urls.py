"""Meta-tests: every URL pattern under /o/<slug>/ and /api/v1/o/<slug>/ refuses members of another
organization with 404, for every HTTP method, and leaks none of the organization's data; and every
pattern with ids refuses another organization's ids under one's own address, changing nothing."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from advocacy.core.registry import url_kwarg_makers

ORG_PREFIXES = ("o/<slug:org_slug>/", "api/v1/o/<slug:org_slug>/")


def _walk(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def org_routes():
    routes = []
    for route, entry in _walk(get_resolver().url_patterns):
        route = route.replace("^", "").replace("$", "")
        if route.startswith(ORG_PREFIXES):
            routes.append((route, entry))
    return routes


def _keywords(route: str) -> list[str]:
    import re

    return [name for name in re.findall(r"<(?:\w+:)?(\w+)>", route) if name != "org_slug"]


def _fill(route: str, values: dict) -> str:
    import re

    def sub(match):
        return str(values[match.group(1)])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", sub, route)


def test_there_are_org_routes():
    assert len(org_routes()) >= 1


def test_every_url_keyword_has_a_maker():
    makers = url_kwarg_makers()
    missing = sorted({kw for route, _ in org_routes() for kw in _keywords(route) if kw not in makers})
    assert not missing, f"declare makers for {missing} in the app's registration (AppRegistration.url_kwargs)"


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r, _ in org_routes()])
def test_member_of_another_org_gets_404(route, org, admin, other_org, other_admin, client):
    values = {"org_slug": org.slug}
    for keyword in _keywords(route):
        values[keyword] = url_kwarg_makers()[keyword](org)
    url = _fill(route, values)
    client.force_login(other_admin)
    for method in ("get", "post", "put", "patch", "delete"):
        response = getattr(client, method)(url)
        assert response.status_code == 404, f"{method.upper()} {url} answered {response.status_code}"
        assert org.name.encode() not in response.content
        assert admin.email.encode() not in response.content


def _rows_of(org) -> dict:
    """Every row organization `org` owns, as stored (to prove a request changed none of them)."""
    from django.apps import apps

    from advocacy.tenancy.context import organization_scope
    from advocacy.tenancy.models import TenantModel

    rows = {}
    with organization_scope(org):
        for model in apps.get_models():
            if issubclass(model, TenantModel):
                rows[model.__name__] = sorted(
                    map(repr, model.objects.unscoped().filter(organization=org).order_by("pk").values_list())
                )
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r, _ in org_routes() if _keywords(r)])
def test_another_orgs_ids_under_ones_own_address_are_404_and_change_nothing(route, org, admin, other_org, client):
    """A member of B with every role, at B's own address, naming objects of A by id: every layer together
    answers 404 (or 405 before any lookup), shows nothing of A and changes none of A's rows."""
    from advocacy.permissions import Role
    from tests.factories import MembershipFactory

    values = {"org_slug": other_org.slug}
    for keyword in _keywords(route):
        values[keyword] = url_kwarg_makers()[keyword](org)
    url = _fill(route, values)
    everything = MembershipFactory(organization=other_org, roles=[r.value for r in Role]).user
    client.force_login(everything)
    before = _rows_of(org)
    for method in ("get", "post", "put", "patch", "delete"):
        response = getattr(client, method)(url)
        # 405: the method is refused before anything is looked up
        assert response.status_code in (404, 405), f"{method.upper()} {url} answered {response.status_code}"
        assert org.name.encode() not in response.content
        assert admin.email.encode() not in response.content
    assert _rows_of(org) == before
