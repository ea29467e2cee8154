# ruff: noqa: S608 - SQL built from the catalogue's table names and this file's constants
"""Every tenant table's `tenant_isolation` policy (partitions included) compares organization_id, and user_id on
the tables a member reads their own rows of, with the setting itself rather than with a scalar sub-select of it
(advocacy/tenancy/rls.py). The planner then estimates the active organization's rows from the table's statistics
(a sub-select is an InitPlan it cannot see into: it estimated every organization at 1/(number of organizations) of
the rows, and the largest organization's members list and report chose nested loops over ten thousand rows). The
same rows are admitted. Tables created after this migration get the new form from `enable_sql`; the owner's
`tenant_crossing` policy is unchanged."""

from django.db import migrations

from advocacy.tenancy.rls import ORG_MATCH, OWN_ROWS, POLICY_NAME

# the form before this migration
SUBSELECT_ORG_MATCH = "organization_id = (SELECT NULLIF(current_setting('app.organization_id', true), '')::bigint)"
SUBSELECT_OWN_ROWS = "user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')::bigint)"


def _rewrite(schema_editor, org_match: str, own_rows: str) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, qual FROM pg_policies WHERE schemaname = current_schema() AND policyname = %s "
            "ORDER BY 1",
            [POLICY_NAME],
        )
        for table, qual in cursor.fetchall():
            using = f"({org_match}) OR ({own_rows})" if "app.user_id" in qual else org_match
            cursor.execute(f'ALTER POLICY {POLICY_NAME} ON "{table}" USING ({using}) WITH CHECK ({org_match})')


def forwards(apps, schema_editor):
    _rewrite(schema_editor, ORG_MATCH, OWN_ROWS)


def backwards(apps, schema_editor):
    _rewrite(schema_editor, SUBSELECT_ORG_MATCH, SUBSELECT_OWN_ROWS)


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0007_roster_import_heartbeat")]

    operations = [migrations.RunPython(forwards, backwards)]
