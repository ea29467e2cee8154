"""Row-level security that the planner can estimate (advocacy/tenancy/rls.py, tenancy migration 0008): with one
organization holding most of a table, a query in its scope is estimated at most of the table, not at
1/(number of organizations) of it, so the largest organization's pages keep their plans as organizations are
added (docs/scaling.md, "The simulated growth run"). What the policies admit is tested in tests/tenancy."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership
from advocacy.tenancy.rls import POLICY_NAME
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

BIG, SMALL, PER_SMALL = 300, 40, 2


def _estimated_rows(queryset) -> float:
    return json.loads(queryset.explain(format="json"))[0]["Plan"]["Plan Rows"]


def test_every_tenant_policy_compares_the_setting_itself():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_policies WHERE schemaname = current_schema() AND policyname = %s "
            "AND (qual LIKE %s OR with_check LIKE %s)",
            [POLICY_NAME, "%SELECT%", "%SELECT%"],
        )
        assert cursor.fetchall() == []  # no scalar sub-select the planner cannot see into


def test_the_planner_sees_how_many_rows_the_active_organization_holds(owner_connection):
    """As the owner (who may ANALYZE), in a transaction rolled back at the end: one organization with 300 members
    beside 40 with 2 each. Estimated in the big one's scope: most of the table (before: 1/41 of it, about 9)."""
    big, *small = (OrganizationFactory() for _ in range(1 + SMALL))
    users = get_user_model().objects.bulk_create(
        get_user_model()(email=f"estimate{n}@example.com") for n in range(BIG + SMALL * PER_SMALL)
    )
    members = iter(users)
    for organization, count in [(big, BIG)] + [(org, PER_SMALL) for org in small]:
        with organization_scope(organization):
            Membership.objects.bulk_create(
                Membership(organization=organization, user=next(members), roles=["employee"]) for _ in range(count)
            )
    with owner_connection.cursor() as cursor:
        cursor.execute("ANALYZE tenancy_membership")
    with organization_scope(big):
        members_of_big = Membership.objects.filter(organization=big, is_active=True)
        assert members_of_big.count() == BIG
        assert _estimated_rows(members_of_big) >= BIG / 2
    with organization_scope(small[0]):
        assert _estimated_rows(Membership.objects.filter(organization=small[0])) < BIG / 10
