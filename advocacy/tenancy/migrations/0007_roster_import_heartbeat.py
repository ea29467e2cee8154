"""Roster imports show life (`heartbeat_at`: queued, started, each committed chunk, resumed) and count the
times the stall check resumed them without progress (`auto_resumes`); `roster_import_stalled_organizations()`
names the organizations with an unfinished import silent since a given moment, nothing else: the one read
across organizations of the stall check (advocacy.tenancy.tasks.resume_stalled_roster_imports). It turns
`app.bypass_rls` on for its one SELECT and puts the previous value back; SECURITY DEFINER pins it to the
table's owner and a fixed search_path, and the runtime role may only execute it.

An import unfinished when this is applied counts as alive now: if nothing moves it, it is resumed a few
minutes later."""

import django.utils.timezone
from django.db import migrations, models

STALLED = """
CREATE OR REPLACE FUNCTION roster_import_stalled_organizations(stalled_before timestamptz)
RETURNS SETOF bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    previous text := current_setting('app.bypass_rls', true);
BEGIN
    PERFORM set_config('app.bypass_rls', 'on', true);
    RETURN QUERY
        SELECT DISTINCT r.organization_id FROM tenancy_rosterimport r
        WHERE r.status IN ('queued', 'running') AND r.heartbeat_at < stalled_before;
    PERFORM set_config('app.bypass_rls', coalesce(previous, ''), true);
END
$$;
REVOKE ALL ON FUNCTION roster_import_stalled_organizations(timestamptz) FROM PUBLIC;
"""

DROP = "DROP FUNCTION IF EXISTS roster_import_stalled_organizations(timestamptz);"


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0006_index_ids")]

    operations = [
        migrations.AddField(
            model_name="rosterimport",
            name="auto_resumes",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="rosterimport",
            name="heartbeat_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddIndex(
            model_name="rosterimport",
            index=models.Index(
                condition=models.Q(("status__in", ["queued", "running"])),
                fields=["organization", "heartbeat_at"],
                name="rosterimport_unfinished",
            ),
        ),
        migrations.RunSQL(STALLED, DROP),
    ]
