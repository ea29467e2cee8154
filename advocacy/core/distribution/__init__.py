"""Keeping the schema distributable by organization (DESIGN "Tenancy" rule 5; the path past one server is
Citus).

A *tenant table* is any table with an `organization_id` column that is not classified below as a
reference or routing table. For every tenant table, in the database (not only in Django's state):

- the primary key is `(organization_id, id)` (plus the partition column of a partitioned table);
- every unique constraint and unique index includes `organization_id`;
- every foreign key to another tenant table is composite, `(organization_id, x_id) -> (organization_id, id)`;
- every foreign key to a table that is not a tenant table points at a reference table.

Every other table is classified here, by name, with the reason: a *reference table* is replicated to
every node (global, small, read often, written rarely); a *routing table* answers "which organization?"
for a key that arrives before the organization is known and is distributed by that key (its model says
so with a `routing_key` attribute); a
*coordinator-only* table stays on the coordinator (sessions, migrations, beat schedules, the admin log)
and no tenant table points at it. `catalogue_violations()` reads PostgreSQL's catalogue and names every
breach; the meta-test in tests/distribution runs it after the migrations, so a new app's tables fail
the build until they are distributable. `citus_plan()` derives the Citus statements from the same
catalogue.

A new app's migration makes its tenant tables distributable with one operation after `CreateModel`:

    from advocacy.core.distribution import DistributeTables
    operations = [migrations.CreateModel("Thing", ...), DistributeTables("thing")]

The model declares every foreign key to another tenant model with `db_constraint=False` (Django then
creates no single-column constraint, and still does its cascades in Python); `DistributeTables` swaps the
primary key and adds the composite foreign keys Django's state implies. A single-column foreign key to a
tenant table cannot even be created any more (there is no unique constraint on `id` alone), so a
forgotten `db_constraint=False` fails at `migrate`, not in production.
"""

from .catalogue import (  # noqa: F401 - the package's public names
    COLOCATION_ANCHOR,
    COORDINATOR_TABLES,
    REFERENCE_TABLES,
    TENANT_COLUMN,
    Catalogue,
    Constraint,
    catalogue_violations,
    citus_plan,
    install_group_by_rule,
    model_foreign_keys_without_constraint,
    read_catalogue,
    routing_tables,
)
from .operations import (  # noqa: F401 - the package's public names
    DistributeTables,
    IndexIds,
    composite_fk_name,
    maintain_route,
)
