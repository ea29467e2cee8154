"""Layer 3: the fail-closed manager."""

import pytest

from advocacy.tenancy.context import NoActiveOrganization, current_organization, organization_scope
from advocacy.tenancy.models import Team
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def test_manager_raises_with_no_organization(org):
    TeamFactory(organization=org)
    with pytest.raises(NoActiveOrganization):
        list(Team.objects.all())


def test_manager_filters_to_the_active_organization(org, other_org):
    mine = TeamFactory(organization=org)
    TeamFactory(organization=other_org)
    with organization_scope(org):
        assert list(Team.objects.all()) == [mine]
        # unscoped() drops the ORM filter but row-level security still holds
        assert list(Team.objects.unscoped()) == [mine]


def test_scopes_nest_and_restore(org, other_org):
    with organization_scope(org):
        with organization_scope(other_org):
            assert current_organization() == other_org
        assert current_organization() == org
        assert Team.objects.count() == 0
    assert current_organization() is None


def test_save_without_organization_is_refused():
    with pytest.raises(NoActiveOrganization):
        Team(name="Orphans").save()


def test_new_rows_take_the_active_organization(org):
    with organization_scope(org):
        team = Team.objects.create(name="Auto")
    assert team.organization_id == org.pk


def test_none_needs_no_organization():
    assert list(Team.objects.none()) == []
