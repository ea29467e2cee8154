from django.db import migrations

from advocacy.tenancy.rls import EnableRowLevelSecurity

ACK_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION policies_ack_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'acknowledgements are append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS policies_ack_append_only ON policies_acknowledgement;
CREATE TRIGGER policies_ack_append_only BEFORE UPDATE OR DELETE ON policies_acknowledgement
    FOR EACH ROW EXECUTE FUNCTION policies_ack_reject_change();

CREATE OR REPLACE FUNCTION policies_version_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status IN ('published', 'superseded') THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'a published policy version cannot be deleted' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.body_markdown IS DISTINCT FROM OLD.body_markdown OR NEW.body_html IS DISTINCT FROM OLD.body_html
           OR NEW.content_sha256 IS DISTINCT FROM OLD.content_sha256 OR NEW.title IS DISTINCT FROM OLD.title
           OR NEW.number IS DISTINCT FROM OLD.number OR NEW.quiz_source IS DISTINCT FROM OLD.quiz_source
           OR NEW.pass_mark IS DISTINCT FROM OLD.pass_mark OR NEW.published_at IS DISTINCT FROM OLD.published_at
           OR NEW.ack_anchor_id IS DISTINCT FROM OLD.ack_anchor_id OR NEW.policy_id IS DISTINCT FROM OLD.policy_id
           OR NEW.status NOT IN ('published', 'superseded') THEN
            RAISE EXCEPTION 'a published policy version is frozen' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS policies_version_frozen ON policies_policyversion;
CREATE TRIGGER policies_version_frozen BEFORE UPDATE OR DELETE ON policies_policyversion
    FOR EACH ROW EXECUTE FUNCTION policies_version_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS policies_ack_append_only ON policies_acknowledgement;
DROP FUNCTION IF EXISTS policies_ack_reject_change();
DROP TRIGGER IF EXISTS policies_version_frozen ON policies_policyversion;
DROP FUNCTION IF EXISTS policies_version_frozen();
"""


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [
        EnableRowLevelSecurity("policy"),
        EnableRowLevelSecurity("policyteam"),
        EnableRowLevelSecurity("policyversion"),
        EnableRowLevelSecurity("versionreview"),
        EnableRowLevelSecurity("quizattempt"),
        EnableRowLevelSecurity("acknowledgement"),
        EnableRowLevelSecurity("reminderlog"),
        EnableRowLevelSecurity("policyquestion"),
        migrations.RunSQL(ACK_APPEND_ONLY, DROP),
    ]
