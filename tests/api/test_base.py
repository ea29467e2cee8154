"""The base viewset cannot be used in a way that forgets the organization or the permission map."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import IsAuthenticated

from advocacy.api.base import OrganizationViewSet
from advocacy.api.permissions import HasOrgAction
from advocacy.permissions import ACTIONS


def test_overriding_get_queryset_is_refused():
    with pytest.raises(TypeError, match="overrides get_queryset"):

        class Sneaky(OrganizationViewSet):
            def get_queryset(self):
                return []


def test_overriding_get_queryset_through_a_mixin_is_refused():
    class Mixin:
        def get_queryset(self):
            return []

    with pytest.raises(TypeError, match="overrides get_queryset"):

        class Sneaky(Mixin, OrganizationViewSet):
            pass


def test_overriding_initial_is_refused():
    with pytest.raises(TypeError, match="overrides initial"):

        class Sneaky(OrganizationViewSet):
            def initial(self, request, *args, **kwargs):
                pass


def test_dropping_the_permission_class_is_refused():
    with pytest.raises(TypeError, match="HasOrgAction"):

        class Open(OrganizationViewSet):
            permission_classes = [IsAuthenticated]


def test_unknown_action_in_the_map_is_refused():
    with pytest.raises(TypeError, match="unknown actions"):

        class Typo(OrganizationViewSet):
            required_actions = {"list": "members.veiw"}


def _api_org_viewsets():
    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry

    for route, entry in walk(get_resolver().url_patterns):
        if route.startswith("api/v1/o/"):
            yield route, entry


def test_every_org_endpoint_stands_on_the_base_and_maps_every_action():
    seen = 0
    for route, entry in _api_org_viewsets():
        view = entry.callback
        cls = getattr(view, "cls", None)
        assert cls is not None and issubclass(cls, OrganizationViewSet), f"{route} is not an OrganizationViewSet"
        assert HasOrgAction in cls.permission_classes
        for method, action in view.actions.items():
            if method == "head":
                continue
            assert action in cls.required_actions, f"{cls.__name__}.{action} ({route}) has no required action"
            assert cls.required_actions[action] in ACTIONS
        seen += 1
    assert seen >= 8


@pytest.mark.django_db
def test_organization_comes_from_the_url_not_the_body(api, org, other_org, admin, other_admin):
    """An admin of org posting a team with other_org's slug/id in the body creates it in org."""
    from advocacy.tenancy.context import organization_scope
    from advocacy.tenancy.models import Team

    response = api(admin).post(
        f"/api/v1/o/{org.slug}/teams/",
        {"name": "Body says other", "organization": other_org.pk, "org_slug": "other-co"},
    )
    assert response.status_code == 201
    with organization_scope(other_org):
        assert not Team.objects.filter(name="Body says other").exists()
    with organization_scope(org):
        assert Team.objects.filter(name="Body says other").exists()
