"""generate_scale_data at a tiny size: counts, top-up, and rows that belong to the right organization
under row-level security (the test database role is not a superuser)."""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership, Organization, Team
from bench.generators import MEMBER_PREFIX, SMALL_ORG_PREFIX, SMALL_ORG_SIZE

pytestmark = pytest.mark.django_db


def generate(**options):
    call_command("generate_scale_data", stdout=io.StringIO(), **options)


def raw_rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_members_in_teams_of_acme_and_small_organizations_beside_it():
    generate(employees=12, orgs=2)

    acme = Organization.objects.get(slug="acme")  # created when missing
    with organization_scope(acme):
        generated = Membership.objects.filter(user__email__startswith=MEMBER_PREFIX)
        assert generated.count() == 12
        assert Team.objects.count() == 5  # at least 5 teams, ~1 per 50 members
        assert not generated.filter(team__isnull=True).exists()
        assert {tuple(roles) for roles in generated.values_list("roles", flat=True)} == {("employee",)}
        # Row-level security: raw SQL in acme's scope sees acme's rows only, the generated ones among them.
        assert raw_rows("SELECT DISTINCT organization_id FROM tenancy_membership") == [(acme.pk,)]
        assert raw_rows("SELECT DISTINCT organization_id FROM tenancy_team") == [(acme.pk,)]
        assert raw_rows("SELECT count(*) FROM tenancy_membership") == [(12,)]

    smalls = list(Organization.objects.filter(slug__startswith=SMALL_ORG_PREFIX).order_by("slug"))
    assert [org.slug for org in smalls] == [f"{SMALL_ORG_PREFIX}001", f"{SMALL_ORG_PREFIX}002"]
    for small in smalls:
        with organization_scope(small):
            assert Membership.objects.count() == SMALL_ORG_SIZE
            assert Membership.objects.filter(roles__contains=["admin"]).count() == 1
            assert raw_rows("SELECT DISTINCT organization_id FROM tenancy_membership") == [(small.pk,)]

    # Generated people can sign in like anyone else: a usable password and a verified address.
    user = get_user_model().objects.get(email=f"{MEMBER_PREFIX}000001@acme.example")
    assert user.check_password(settings.DEMO_PASSWORD)
    assert user.emailaddress_set.filter(verified=True, primary=True).count() == 1


def test_tops_up_to_the_totals_and_never_duplicates():
    generate(employees=8, orgs=1)
    generate(employees=8, orgs=1)  # the same totals again: nothing added
    acme = Organization.objects.get(slug="acme")
    with organization_scope(acme):
        assert Membership.objects.count() == 8
    generate(employees=60, orgs=3)  # bigger totals: the difference is added, teams grow with it
    with organization_scope(acme):
        assert Membership.objects.count() == 60
        assert Team.objects.count() == 5
        assert Membership.objects.values("user").distinct().count() == 60
    assert Organization.objects.filter(slug__startswith=SMALL_ORG_PREFIX).count() == 3
    assert get_user_model().objects.filter(email__startswith=MEMBER_PREFIX).count() == 60 + 3 * SMALL_ORG_SIZE


def test_teams_scale_with_members():
    generate(employees=301)
    acme = Organization.objects.get(slug="acme")
    with organization_scope(acme):
        assert Team.objects.count() == 7  # ceil(301 / 50)
        sizes = [team.members.count() for team in Team.objects.all()]
        assert max(sizes) - min(sizes) <= 1


def test_without_an_organization_scope_no_generated_row_is_visible():
    generate(employees=5, orgs=1)
    # Outside any organization_scope row-level security shows no tenant rows at all.
    assert raw_rows("SELECT count(*) FROM tenancy_membership") == [(0,)]
    assert raw_rows("SELECT count(*) FROM tenancy_team") == [(0,)]
