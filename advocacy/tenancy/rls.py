"""Row-level security for tenant-owned tables, added by a migration operation.

    migrations.RunSQL(...)  ->  EnableRowLevelSecurity("modelname")

Two policies on each table:

* `tenant_isolation`, for every role: a row is admitted when its organization_id equals the
  transaction-local setting `app.organization_id` (or, for tables readable by their own user, its user_id
  equals `app.user_id`). With no organization set, no tenant rows are visible and none can be written.
* `tenant_crossing`, for the owner role only (the role that ran the migration: `TO CURRENT_USER`): every
  row, while `app.bypass_rls` is on. The owner's own sessions (migrations) and the SECURITY DEFINER
  functions it owns cross organizations with it; for the runtime role the setting changes nothing
  (advocacy/core/roles.py).

FORCE makes the policies apply to the table's owner too.
"""

from django.db import migrations

POLICY_NAME = "tenant_isolation"
CROSSING_POLICY_NAME = "tenant_crossing"

# The organization and the user are compared with the setting itself, not with a scalar sub-select of it:
# current_setting() is STABLE, so the planner reads the setting's value when it estimates and sees that the
# active organization holds, say, half of the table. A sub-select is an InitPlan whose value the planner cannot
# see: it estimated every organization at 1/(number of organizations) of the rows (61 of a 10,024-member
# organization among 1,002), chose nested loops for ten thousand rows and made the largest organization's pages
# slower as organizations were added (docs/scaling.md, "The simulated growth run"). Same rows admitted: the
# value is the same within a statement. As an index condition it is evaluated once per scan; as a filter, once
# per row (tens of nanoseconds). The owner's bypass stays a sub-select (evaluated once; never estimated for the
# runtime role, whose policies do not include it).
ORG_MATCH = "organization_id = NULLIF(current_setting('app.organization_id', true), '')::bigint"
BYPASS = "(SELECT current_setting('app.bypass_rls', true)) = 'on'"
OWN_ROWS = "user_id = NULLIF(current_setting('app.user_id', true), '')::bigint"


def enable_sql(table: str, *, readable_by_own_user: bool = False) -> str:
    using = ORG_MATCH
    if readable_by_own_user:
        using = f"({ORG_MATCH}) OR ({OWN_ROWS})"
    return (
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY;'
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY;'
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}";'
        f'CREATE POLICY {POLICY_NAME} ON "{table}" USING ({using}) WITH CHECK ({ORG_MATCH});'
        f'DROP POLICY IF EXISTS {CROSSING_POLICY_NAME} ON "{table}";'
        f'CREATE POLICY {CROSSING_POLICY_NAME} ON "{table}" TO CURRENT_USER USING ({BYPASS}) WITH CHECK ({BYPASS});'
    )


def upgrade_policies(cursor) -> list[str]:
    """Rewrite the policies of every table still in an older form: the bypass part of `tenant_isolation`
    for every role (before `tenant_crossing`), or `tenant_crossing` for a role other than the one running
    this (a database migrated by the runtime role before the roles were split). Run by the owner after
    each migrate; returns the tables rewritten."""
    cursor.execute(
        "SELECT p.tablename, p.qual FROM pg_policies p WHERE p.schemaname = current_schema() "
        "AND p.policyname = %s AND (p.qual LIKE %s OR NOT EXISTS (SELECT 1 FROM pg_policies c "
        "WHERE c.schemaname = p.schemaname AND c.tablename = p.tablename AND c.policyname = %s "
        "AND c.roles = ARRAY[current_user]::name[])) ORDER BY 1",
        [POLICY_NAME, "%app.bypass_rls%", CROSSING_POLICY_NAME],
    )
    tables = cursor.fetchall()
    for table, qual in tables:
        cursor.execute(enable_sql(table, readable_by_own_user="app.user_id" in qual))
    return [table for table, _qual in tables]


def disable_sql(table: str) -> str:
    return (
        f'DROP POLICY IF EXISTS {CROSSING_POLICY_NAME} ON "{table}";'
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}";'
        f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY;'
        f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY;'
    )


class EnableRowLevelSecurity(migrations.operations.base.Operation):
    """`EnableRowLevelSecurity("team")` in a migration puts the tenant policy on that model's table."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, readable_by_own_user: bool = False):
        self.model_name = model_name
        self.readable_by_own_user = readable_by_own_user

    def state_forwards(self, app_label, state):
        pass

    def _table(self, app_label, state):
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        table = self._table(app_label, to_state)
        schema_editor.execute(enable_sql(table, readable_by_own_user=self.readable_by_own_user))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute(disable_sql(self._table(app_label, from_state)))

    def describe(self):
        return f"Enable row-level security on {self.model_name}"

    def deconstruct(self):
        kwargs = {"readable_by_own_user": True} if self.readable_by_own_user else {}
        return (self.__class__.__name__, [self.model_name], kwargs)
