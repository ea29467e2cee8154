"""The application's database role cannot rewrite history (issue 16, "The database role").

The test database was created and migrated by the owner role (MIGRATE_DATABASE_URL; tests/conftest.py), as
production migrates, and these tests connect as the runtime role of DATABASE_URL, as the application does.
Each attempt the fault-injection run made is refused: TRUNCATE, disabling the append-only trigger, UPDATE and
DELETE on append-only tables, DDL, and `SET app.bypass_rls = 'on'` to read another organization's rows."""

import os

import pytest
from django.db import DatabaseError, connection, transaction

from advocacy.audit.models import AuditEvent
from advocacy.audit.services import audit_record
from advocacy.core import roles
from advocacy.tenancy.context import organization_scope
from policies import services as policy_services
from policies.models import Acknowledgement
from tests.factories import TeamFactory
from tests.policies.factories import published_policy

pytestmark = pytest.mark.django_db

APPEND_ONLY = ("audit_auditevent", "policies_acknowledgement")


@pytest.fixture(autouse=True)
def _two_roles():
    if not roles.two_roles():
        message = "one database role: set MIGRATE_DATABASE_URL to an owner role (README, Database roles)"
        if os.environ.get("CI"):
            pytest.fail(f"CI runs with two database roles; {message}")
        pytest.skip(message)


def _sql(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall() if cursor.description else None


def _refused(sql, message, params=None):
    """`sql` fails with `message` and changes nothing (its savepoint is rolled back)."""
    with pytest.raises(DatabaseError, match=message), transaction.atomic():
        _sql(sql, params)


@pytest.fixture
def history(org, other_org, admin, other_admin, employee):
    """An audit event and a policy acknowledgement in `org`; a team and an audit event in `other_org`."""
    _policy, version = published_policy(org)
    with organization_scope(org):
        event = audit_record(organization=org, actor=admin, action="test.happened")
        ack = policy_services.acknowledge(organization=org, actor=employee, version=version).acknowledgement
    TeamFactory(organization=other_org, name="Secret team")
    with organization_scope(other_org):
        audit_record(organization=other_org, actor=other_admin, action="test.secret")
    return event, ack


def test_the_tests_connect_as_the_runtime_role_and_migrations_ran_as_the_owner():
    (current, owner_of_database), *_ = _sql(
        "SELECT current_user, pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
    )
    assert current == roles.runtime_role() != roles.owner_role()
    assert owner_of_database == roles.owner_role()
    owners = _sql(
        "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class "
        "WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p', 'S', 'v', 'm')"
    )
    assert owners == [(roles.owner_role(),)]


def test_the_runtime_role_owns_nothing_and_is_no_superuser():
    me = "(SELECT oid FROM pg_roles WHERE rolname = current_user)"
    owned = _sql(
        f"SELECT (SELECT count(*) FROM pg_class WHERE relowner = {me}) + (SELECT count(*) FROM pg_proc WHERE "
        f"proowner = {me}) + (SELECT count(*) FROM pg_namespace WHERE nspowner = {me}) + (SELECT count(*) FROM "
        f"pg_type WHERE typowner = {me}) + (SELECT count(*) FROM pg_database WHERE datname = current_database() "
        f"AND datdba = {me})"
    )
    assert owned == [(0,)]
    assert _sql("SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = current_user") == [
        (False, False, False)
    ]


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_truncate_is_refused(history, table):
    _refused(f"TRUNCATE {table}", f"permission denied for table {table}")
    _refused(f"TRUNCATE {table} CASCADE", f"permission denied for table {table}")


def test_the_append_only_trigger_cannot_be_disabled(history, org):
    event, _ack = history
    for statement in (
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_event_append_only ON audit_auditevent",
        "ALTER TABLE policies_acknowledgement DISABLE TRIGGER policies_ack_append_only",
    ):
        _refused(statement, "must be owner of (table|relation)")
    _refused("SET session_replication_role = replica", "permission denied to set parameter")
    assert _sql("SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_event_append_only'") == [("O",)]
    # and an UPDATE after the attempts still goes nowhere
    with organization_scope(org):
        _refused("UPDATE audit_auditevent SET action = 'rewritten'", "permission denied for table audit_auditevent")
        assert AuditEvent.objects.get(pk=event.pk).action == "test.happened"


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_update_and_delete_on_append_only_tables_are_refused(history, org, table):
    event, ack = history
    with organization_scope(org):
        assert _sql(f"SELECT count(*) FROM {table}")[0][0] >= 1  # rows are there, in this organization
        _refused(f"UPDATE {table} SET organization_id = organization_id", f"permission denied for table {table}")
        _refused(f"DELETE FROM {table}", f"permission denied for table {table}")
        assert AuditEvent.objects.filter(pk=event.pk).exists() and Acknowledgement.objects.filter(pk=ack.pk).exists()


def test_ddl_is_refused(history):
    for statement, message in (
        ("CREATE TABLE rewritten (id int)", "permission denied for schema public"),
        ("CREATE TEMPORARY TABLE rewritten (id int)", "permission denied to create temporary tables"),
        ("CREATE SCHEMA rewritten", "permission denied for database"),
        ("CREATE FUNCTION rewritten() RETURNS int LANGUAGE sql AS 'SELECT 1'", "permission denied for schema"),
        ("ALTER TABLE tenancy_team NO FORCE ROW LEVEL SECURITY", "must be owner of table"),
        ("ALTER TABLE audit_auditevent DISABLE ROW LEVEL SECURITY", "must be owner of table"),
        ("DROP POLICY tenant_isolation ON tenancy_team", "must be owner of (table|relation)"),
        ("ALTER TABLE policies_acknowledgement ADD COLUMN note text", "must be owner of table"),
        ("DROP TABLE content_library_clickdaily", "must be owner of table"),
        ("CREATE INDEX rewritten ON tenancy_team (name)", "must be owner of table"),
        (
            "CREATE OR REPLACE FUNCTION resolve_tracked_link(link_code text) RETURNS TABLE "
            "(organization_id bigint, destination text) LANGUAGE sql AS 'SELECT 1::bigint, ''x'''",
            "permission denied for schema public",
        ),
        ("ALTER FUNCTION resolve_tracked_link(text) SECURITY INVOKER", "must be owner of function"),
        ("ALTER FUNCTION audit_reject_change() RENAME TO rewritten", "must be owner of function"),
        ("CREATE TRIGGER rewritten BEFORE INSERT ON tenancy_team FOR EACH ROW EXECUTE FUNCTION "
         "audit_reject_change()", "permission denied for table tenancy_team"),
    ):  # fmt: skip
        _refused(statement, message)


def test_setting_bypass_rls_shows_no_other_organization(history, org, other_org):
    with organization_scope(other_org):  # the other organization's rows exist
        assert _sql("SELECT count(*) FROM tenancy_team") == [(1,)]
        assert _sql("SELECT count(*) FROM audit_auditevent") == [(1,)]
    _sql("SET app.bypass_rls = 'on'")  # any session may set it...
    try:
        assert _sql("SELECT current_setting('app.bypass_rls')") == [("on",)]
        # ...and it crosses nothing: with no organization, no tenant rows at all
        for table in ("tenancy_team", "audit_auditevent", "policies_acknowledgement", "tenancy_membership"):
            assert _sql(f"SELECT count(*) FROM {table}") == [(0,)], table
        # inside an organization, that organization only
        with organization_scope(org):
            assert _sql("SELECT DISTINCT organization_id FROM audit_auditevent") == [(org.pk,)]
            assert _sql("SELECT count(*) FROM tenancy_team WHERE organization_id = %s", [other_org.pk]) == [(0,)]
            _refused(
                "INSERT INTO tenancy_team (organization_id, name, description, created_at) "
                "VALUES (%s, 'forged', '', now())",
                "row-level security",
                [other_org.pk],
            )
    finally:
        _sql("RESET app.bypass_rls")


def test_every_table_has_exactly_the_privileges_the_application_needs():
    """Granted by migrate for every table, including those the next app adds: never TRUNCATE, REFERENCES or
    TRIGGER; UPDATE and DELETE except on append-only tables (a trigger named *_append_only)."""
    with connection.cursor() as cursor:
        assert set(APPEND_ONLY) <= set(roles.append_only_tables(cursor))
        append_only = set(roles.append_only_tables(cursor))
    rows = _sql(
        "SELECT c.relname, " + ", ".join(
            f"has_table_privilege(current_user, c.oid, '{p}')"
            for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
        ) + " FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') "
        "AND NOT c.relispartition ORDER BY 1"
    )  # fmt: skip
    assert len(rows) > 50
    wrong = [
        row[0]
        for row in rows
        if row[1:] != (True, True, row[0] not in append_only, row[0] not in append_only, False, False, False)
    ]
    assert wrong == []


def test_a_table_created_later_by_the_owner_gets_the_runtime_grants():
    with roles.as_owner() as owner, transaction.atomic(using=owner.alias), owner.cursor() as cursor:
        cursor.execute("CREATE TABLE next_app_thing (id bigint)")
        cursor.execute(
            "SELECT has_table_privilege(%s, 'next_app_thing', 'SELECT, INSERT, UPDATE, DELETE'), "
            "has_table_privilege(%s, 'next_app_thing', 'TRUNCATE')",
            [roles.runtime_role()] * 2,
        )
        assert cursor.fetchone() == (True, False)
        transaction.set_rollback(True, using=owner.alias)


def test_what_crosses_organizations_is_a_function_the_runtime_role_may_only_execute():
    functions = _sql(
        "SELECT p.proname, pg_get_userbyid(p.proowner), has_function_privilege(current_user, p.oid, 'EXECUTE') "
        "FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace AND p.prosecdef ORDER BY 1"
    )
    names = {name for name, _owner, _execute in functions}
    assert {"resolve_tracked_link", "retained_partition_create_month", "retained_partition_drop_month"} <= names
    assert {(owner, execute) for _name, owner, execute in functions} == {(roles.owner_role(), True)}
