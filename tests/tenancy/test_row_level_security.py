"""Layer 4: PostgreSQL row-level security, proven with raw SQL as the application's own role."""

import pytest
from django.apps import apps
from django.db import connection

from advocacy.audit.services import audit_record
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import TenantModel
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def _raw(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def tenant_models():
    return [m for m in apps.get_models() if issubclass(m, TenantModel)]


def test_the_application_role_is_not_a_superuser():
    ((is_super, bypass),) = _raw("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
    assert not is_super and not bypass, "tests must run as a role that row-level security applies to"


@pytest.fixture
def two_orgs(org, other_org, admin, other_admin):
    TeamFactory(organization=org)
    TeamFactory(organization=other_org)
    for o, who in ((org, admin), (other_org, other_admin)):
        with organization_scope(o):
            audit_record(organization=o, actor=who, action="test.event")
    return org, other_org


def test_raw_sql_inside_a_request_sees_only_that_organization(settings, client, two_orgs, admin):
    org, other_org = two_orgs
    settings.ROOT_URLCONF = "tests.tenancy.rls_urls"
    client.force_login(admin)
    data = client.get(f"/o/{org.slug}/raw/").json()
    assert data == {"membership": [org.pk], "team": [org.pk], "audit": [org.pk]}


def test_raw_sql_inside_a_request_sees_none_of_the_callers_own_rows_elsewhere(settings, client, two_orgs, admin):
    from tests.factories import MembershipFactory

    org, other_org = two_orgs
    MembershipFactory(organization=other_org, user=admin)
    settings.ROOT_URLCONF = "tests.tenancy.rls_urls"
    client.force_login(admin)
    data = client.get(f"/o/{org.slug}/raw/").json()
    assert data == {"membership": [org.pk], "team": [org.pk], "audit": [org.pk]}


def test_raw_sql_with_no_organization_sees_no_tenant_rows(two_orgs):
    for model in tenant_models():
        assert _raw(f'SELECT count(*) FROM "{model._meta.db_table}"') == [(0,)], model


def test_raw_sql_in_one_scope_sees_none_of_the_other(two_orgs):
    org, other_org = two_orgs
    with organization_scope(org):
        assert _raw("SELECT DISTINCT organization_id FROM tenancy_team") == [(org.pk,)]
        # and cannot write into the other organization either
        from django.db import DatabaseError, transaction

        with pytest.raises(DatabaseError), transaction.atomic():
            _raw(
                "INSERT INTO tenancy_team (organization_id, name, description, created_at) VALUES (%s, 'x', '', now())",
                [other_org.pk],
            )
    # the scope's settings do not outlive it
    assert _raw("SELECT count(*) FROM tenancy_team") == [(0,)]


def test_every_tenant_table_has_forced_row_level_security():
    tables = {m._meta.db_table for m in tenant_models()}
    rows = _raw(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
        "EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = c.relname AND p.policyname = 'tenant_isolation') "
        "FROM pg_class c WHERE c.relname = ANY(%s)",
        [list(tables)],
    )
    found = {name: (enabled, forced, policy) for name, enabled, forced, policy in rows}
    assert set(found) == tables
    missing = {t: v for t, v in found.items() if v != (True, True, True)}
    assert not missing, f"tables without forced RLS + tenant_isolation policy: {missing}"


# Models that hold an organization key without being tenant data under RLS, each with its reason.
NOT_TENANT_DATA = {
    # A user's credential, looked up by hash before any organization is known; bound to one
    # organization and checked against an active membership on every request.
    "accounts.ApiToken",
    # Routing tables (models with a routing_key, advocacy.core.distribution): a public key -> its organization, read
    # before any organization is known; they hold nothing else.
    "content_library.LinkRoute",
    "tenancy.InvitationRoute",
}


def test_every_model_with_tenant_data_is_a_tenant_model():
    offenders = []
    for model in apps.get_models():
        label = f"{model._meta.app_label}.{model.__name__}"
        fk_to_org = [
            f
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is not None and f.related_model._meta.label == "tenancy.Organization"
        ]
        if fk_to_org and not issubclass(model, TenantModel) and label not in NOT_TENANT_DATA:
            offenders.append(label)
    assert not offenders, f"models with an organization key that are not TenantModel: {offenders}"
    for model in tenant_models():
        field = model._meta.get_field("organization")
        assert not field.null, f"{model.__name__}.organization must be non-null"


def test_models_of_our_apps_without_organization_are_known_global():
    """Everything in our own apps is tenant-owned unless named here as global on purpose."""
    ours = ("advocacy", "policies", "content_library", "monitoring", "recognition", "analytics")
    global_models = {"accounts.User", "accounts.ApiToken", "accounts.UserSession", "tenancy.Organization"}
    global_models |= {"content_library.LinkRoute", "tenancy.InvitationRoute"}  # routing tables
    global_models |= {"core.Outbox"}  # tasks waiting for the broker: a task name and its arguments
    global_models |= {"monitoring.MastodonApp"}  # our client registration per instance (a reference table)
    unexpected = []
    for model in apps.get_models():
        if not model.__module__.startswith(ours):
            continue
        label = f"{model._meta.app_label}.{model.__name__}"
        if not issubclass(model, TenantModel) and label not in global_models:
            unexpected.append(label)
    assert not unexpected, f"models that are neither tenant-owned nor declared global: {unexpected}"
