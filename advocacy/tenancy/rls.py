"""Row-level security for tenant-owned tables, added by a migration operation.

    migrations.RunSQL(...)  ->  EnableRowLevelSecurity("modelname")

The policy admits a row when its organization_id equals the transaction-local setting
`app.organization_id`, or when the deliberate escape hatch `app.bypass_rls` is on. With no
organization set, no tenant rows are visible and none can be written. FORCE makes the policy apply
to the table's owner too (the application's role owns its tables and is not a superuser).
"""

from django.db import migrations

POLICY_NAME = "tenant_isolation"

# Each setting is read in a scalar sub-select so PostgreSQL evaluates it once per query (an InitPlan)
# rather than once per row.
ORG_MATCH = "organization_id = (SELECT NULLIF(current_setting('app.organization_id', true), '')::bigint)"
BYPASS = "(SELECT current_setting('app.bypass_rls', true)) = 'on'"
OWN_ROWS = "user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')::bigint)"


def enable_sql(table: str, *, readable_by_own_user: bool = False) -> str:
    using = f"({ORG_MATCH}) OR ({BYPASS})"
    if readable_by_own_user:
        using += f" OR ({OWN_ROWS})"
    check = f"({ORG_MATCH}) OR ({BYPASS})"
    return (
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY;'
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY;'
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}";'
        f'CREATE POLICY {POLICY_NAME} ON "{table}" USING ({using}) WITH CHECK ({check});'
    )


def disable_sql(table: str) -> str:
    return (
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
