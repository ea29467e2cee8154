"""Row-level security on the share rollup, and the rollup filled from the shares confirmed so far
(the policy is bypassed for this one statement, inside the migration's transaction)."""

from django.db import migrations

from advocacy.tenancy.rls import EnableRowLevelSecurity

BACKFILL = """
SELECT set_config('app.bypass_rls', 'on', true);
INSERT INTO content_library_sharedaily (organization_id, content_id, day, shares)
SELECT organization_id, content_id, (confirmed_at AT TIME ZONE 'UTC')::date, count(*)
FROM content_library_share
WHERE status = 'confirmed' AND confirmed_at IS NOT NULL
GROUP BY 1, 2, 3
ON CONFLICT (organization_id, content_id, day) DO UPDATE SET shares = EXCLUDED.shares;
SELECT set_config('app.bypass_rls', '', true);
"""


class Migration(migrations.Migration):
    dependencies = [("content_library", "0003_sharedaily")]

    operations = [
        EnableRowLevelSecurity("sharedaily"),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
