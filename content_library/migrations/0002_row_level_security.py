"""Row-level security on every content table, and the one deliberate cross-organization read:
`resolve_tracked_link(code)` answers a tracked link's organization and destination, nothing else.

It turns `app.bypass_rls` on only for its one SELECT and puts the previous value back, so row-level
security stays on for every other statement; SECURITY DEFINER pins it to the tables' owner and a
fixed search_path."""

from django.db import migrations

from advocacy.tenancy.rls import EnableRowLevelSecurity

TABLES = [
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
    "clickflushstate",
    "memberpreference",
    "digestsend",
]

RESOLVE = """
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
REVOKE ALL ON FUNCTION resolve_tracked_link(text) FROM PUBLIC;
DO $$ BEGIN EXECUTE format('GRANT EXECUTE ON FUNCTION resolve_tracked_link(text) TO %I', current_user); END $$;
"""

DROP = "DROP FUNCTION IF EXISTS resolve_tracked_link(text);"


class Migration(migrations.Migration):
    dependencies = [("content_library", "0001_initial")]

    operations = [EnableRowLevelSecurity(name) for name in TABLES] + [migrations.RunSQL(RESOLVE, DROP)]
