"""Review: the per-request caches (organization by slug, membership, user, switcher) never keep access
alive after a change that takes it away. Each test warms the cache with a real request first."""

import pytest
from django.contrib.auth import get_user_model

from advocacy.permissions import Role
from advocacy.tenancy import services
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership, Organization
from advocacy.tenancy.selectors import membership_for_request, memberships_for_user
from tests.factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _membership(org, user):
    with organization_scope(org):
        return Membership.objects.get(organization=org, user=user)


def test_role_change_applies_on_the_next_request(client_for, org, admin):
    second_admin = MembershipFactory(organization=org, roles=[Role.ADMIN, Role.EMPLOYEE]).user
    client = client_for(admin)
    assert client.get(f"/o/{org.slug}/settings/").status_code == 200  # membership now cached
    with organization_scope(org):
        services.membership_update(
            organization=org, actor=second_admin, membership=_membership(org, admin), roles=[Role.EMPLOYEE], team=None
        )
    assert client.get(f"/o/{org.slug}/settings/").status_code == 403


def test_deactivation_applies_even_after_signing_in_again(client_for, org, admin, employee):
    client = client_for(employee)
    assert client.get(f"/o/{org.slug}/").status_code == 200
    with organization_scope(org):
        services.membership_deactivate(organization=org, actor=admin, membership=_membership(org, employee))
    client.force_login(employee)  # a fresh session: only the membership decides now
    assert client.get(f"/o/{org.slug}/").status_code == 404
    assert all(m.organization_id != org.pk for m in memberships_for_user(user=employee))


def test_team_deletion_drops_the_cached_team(org, admin, employee):
    team = TeamFactory(organization=org)
    with organization_scope(org):
        m = _membership(org, employee)
        m.team = team
        m.save(update_fields=["team"])
        assert membership_for_request(organization=org, user=employee).team_id == team.pk  # cached
        services.team_delete(organization=org, actor=admin, team=team)
        assert membership_for_request(organization=org, user=employee).team_id is None


def test_password_change_ends_other_sessions(client_for, org, employee):
    client = client_for(employee)
    assert client.get(f"/o/{org.slug}/").status_code == 200  # user now cached
    user = get_user_model().objects.get(pk=employee.pk)
    user.set_password("a whole new secret 123")
    user.save()
    response = client.get(f"/o/{org.slug}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_user_deactivation_ends_access(client_for, org, employee):
    client = client_for(employee)
    assert client.get(f"/o/{org.slug}/").status_code == 200
    user = get_user_model().objects.get(pk=employee.pk)
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(f"/o/{org.slug}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_changing_a_slug_stops_the_old_address(client_for, org, employee):
    """The operator's admin lets a slug change (OrganizationAdmin.fields has "slug"). The old address must
    stop resolving at once, and a new organization later given the old slug must not be shadowed by the
    cached old one."""
    client = client_for(employee)
    assert client.get("/o/acme-test/").status_code == 200  # cached: slug -> org
    org.slug = "acme-renamed"
    org.save()
    assert client.get("/o/acme-renamed/").status_code == 200
    assert client.get("/o/acme-test/").status_code == 404

    newcomer = Organization.objects.create(name="Newcomer", slug="acme-test")
    member = UserFactory(email="member@newcomer.example")
    with organization_scope(newcomer):
        MembershipFactory(organization=newcomer, user=member, roles=[Role.EMPLOYEE])
    client.force_login(member)
    response = client.get("/o/acme-test/")
    assert response.status_code == 200
    assert response.context["organization"].pk == newcomer.pk


def test_renaming_the_organization_updates_its_members_switcher(client_for, admin, org):
    from advocacy.tenancy.context import organization_scope
    from advocacy.tenancy.services import organization_update_settings

    client = client_for(admin)
    assert client.get(f"/o/{org.slug}/").status_code == 200  # the switcher is now cached
    with organization_scope(org, user=admin):
        organization_update_settings(organization=org, actor=admin, require_mfa_for_staff=False, name="Renamed Co")
    response = client.get("/accounts/tokens/")  # a page outside the organization still shows the switcher
    assert b"Renamed Co" in response.content
