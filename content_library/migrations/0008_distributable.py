"""Content tables distributable by organization: primary keys (organization_id, id), composite foreign keys
between them, and tracked-link codes routed through a small routing table (unique per organization in the
share table, platform-wide in the route). The redirect's database read resolves the code through the route,
then reads the share in that organization only: still one call, and single-shard queries under Citus."""

import django.db.models.deletion
from django.db import migrations, models

from advocacy.core.distribution import DistributeTables, maintain_route

RESOLVE = """
CREATE OR REPLACE FUNCTION resolve_tracked_link(link_code text)
RETURNS TABLE (organization_id bigint, destination varchar)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    previous text := current_setting('app.organization_id', true);
    org bigint;
BEGIN
    SELECT r.organization_id INTO org FROM content_library_linkroute r WHERE r.code = link_code;
    IF org IS NULL THEN
        RETURN;
    END IF;
    -- Row-level security stays on: the share is read as its own organization's row.
    PERFORM set_config('app.organization_id', org::text, true);
    RETURN QUERY
        SELECT s.organization_id, s.destination
        FROM content_library_share s
        WHERE s.organization_id = org AND s.code = link_code AND s.destination <> ''
        LIMIT 1;
    PERFORM set_config('app.organization_id', coalesce(previous, ''), true);
END
$$;
"""

RESOLVE_BEFORE = """
CREATE OR REPLACE FUNCTION resolve_tracked_link(link_code text)
RETURNS TABLE (organization_id bigint, destination varchar)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    previous text := current_setting('app.bypass_rls', true);
BEGIN
    PERFORM set_config('app.bypass_rls', 'on', true);
    RETURN QUERY
        SELECT s.organization_id, s.destination
        FROM content_library_share s
        WHERE s.code = link_code AND s.destination <> ''
        LIMIT 1;
    PERFORM set_config('app.bypass_rls', coalesce(previous, ''), true);
END
$$;
"""

MODELS = [
    "contentsettings",
    "topic",
    "hashtag",
    "campaign",
    "contentitem",
    "contenttopic",
    "contenthashtag",
    "contentteam",
    "campaignhashtag",
    "campaignteam",
    "contentrevision",
    "share",
    "clickdaily",
    "sharedaily",
    "clickflushstate",
    "memberpreference",
    "digestsend",
]


class Migration(migrations.Migration):
    dependencies = [
        ("content_library", "0007_foreign_keys_composite_ready"),
        ("tenancy", "0004_distributable"),
    ]

    operations = [
        migrations.CreateModel(
            name="LinkRoute",
            fields=[
                ("code", models.CharField(max_length=16, primary_key=True, serialize=False)),
            ],
        ),
        migrations.AlterField(
            model_name="share",
            name="code",
            field=models.CharField(blank=True, max_length=16, null=True),
        ),
        migrations.AddConstraint(
            model_name="share",
            constraint=models.UniqueConstraint(fields=("organization", "code"), name="share_unique_code"),
        ),
        migrations.AddField(
            model_name="linkroute",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenancy.organization"
            ),
        ),
        maintain_route(
            source_table="content_library_share",
            column="code",
            route_table="content_library_linkroute",
            route_column="code",
        ),
        migrations.RunSQL(RESOLVE, RESOLVE_BEFORE),
        DistributeTables(*MODELS),
    ]
