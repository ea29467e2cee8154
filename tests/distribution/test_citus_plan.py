"""`manage.py citus_plan` prints one Citus statement per table, derived from the catalogue."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from advocacy.core.distribution import COLOCATION_ANCHOR, REFERENCE_TABLES, read_catalogue, routing_tables

pytestmark = pytest.mark.django_db

DISTRIBUTED = re.compile(r"^SELECT create_distributed_table\('(\w+)', '(\w+)'(?:, colocate_with => '(\w+)')?\);$")
REFERENCE = re.compile(r"^SELECT create_reference_table\('(\w+)'\);$")


def _plan():
    out = StringIO()
    call_command("citus_plan", stdout=out)
    return out.getvalue().splitlines()


def test_every_tenant_table_is_distributed_once_by_organization_and_co_located():
    lines = _plan()
    distributed = [DISTRIBUTED.match(line).groups() for line in lines if DISTRIBUTED.match(line)]
    tenant_tables = read_catalogue(connection).tenant_tables()
    by_org = [table for table, column, _colocate in distributed if column == "organization_id"]
    assert sorted(by_org) == sorted(tenant_tables)
    assert len(by_org) == len(set(by_org))  # once each
    for table, column, colocate in distributed:
        if column == "organization_id" and table != COLOCATION_ANCHOR:
            assert colocate == COLOCATION_ANCHOR, table
    # the anchor comes first, so every colocate_with names a table already distributed
    assert by_org[0] == COLOCATION_ANCHOR


def test_reference_tables_come_first_and_routing_tables_use_their_own_key():
    lines = _plan()
    references = [REFERENCE.match(line).group(1) for line in lines if REFERENCE.match(line)]
    assert set(references) == set(REFERENCE_TABLES)
    first_distributed = next(i for i, line in enumerate(lines) if DISTRIBUTED.match(line))
    assert all(i < first_distributed for i, line in enumerate(lines) if REFERENCE.match(line))
    routed = {m.group(1): (m.group(2), m.group(3)) for line in lines if (m := DISTRIBUTED.match(line))}
    for table, (column, _why) in routing_tables().items():
        assert routed[table] == (column, "none")
    assert lines[1] == "BEGIN;" and lines[-1] == "COMMIT;"


def test_a_new_tenant_table_appears_in_the_plan_without_editing_any_list(owner_connection):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE zz_new_thing (organization_id bigint NOT NULL REFERENCES tenancy_organization (id), "
            "id bigint NOT NULL, PRIMARY KEY (organization_id, id)); CREATE INDEX ON zz_new_thing (id)"
        )
    assert "SELECT create_distributed_table('zz_new_thing', 'organization_id', colocate_with => " in "\n".join(_plan())


def test_the_plan_is_refused_while_a_tenant_table_is_not_distributable(owner_connection):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE zz_old_thing (id serial PRIMARY KEY, "
            "organization_id bigint NOT NULL REFERENCES tenancy_organization (id))"
        )
    with pytest.raises(CommandError, match="zz_old_thing: primary key zz_old_thing_pkey is \\(id\\)"):
        _plan()
