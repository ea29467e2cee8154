"""The mail outbox (advocacy.core.mail): a tenant table like the others (row-level security, primary key
(organization_id, id)), and the one read across organizations it needs: `outgoing_mail_organizations()`
names the organizations with mail for the sweep (due and never sent, or old enough to be purged), nothing
else. It turns `app.bypass_rls` on for its one SELECT and puts the previous value back; SECURITY DEFINER
pins it to the table's owner and a fixed search_path, and the runtime role may only execute it."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from advocacy.core.distribution import DistributeTables
from advocacy.tenancy.rls import EnableRowLevelSecurity

ORGANIZATIONS = """
CREATE OR REPLACE FUNCTION outgoing_mail_organizations(due_before timestamptz, purge_before timestamptz)
RETURNS SETOF bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    previous text := current_setting('app.bypass_rls', true);
BEGIN
    PERFORM set_config('app.bypass_rls', 'on', true);
    RETURN QUERY
        SELECT DISTINCT m.organization_id FROM core_outgoingmail m
        WHERE (m.status = 'queued' AND m.next_attempt_at <= due_before)
           OR (m.status <> 'queued' AND m.created_at < purge_before);
    PERFORM set_config('app.bypass_rls', coalesce(previous, ''), true);
END
$$;
REVOKE ALL ON FUNCTION outgoing_mail_organizations(timestamptz, timestamptz) FROM PUBLIC;
"""

DROP = "DROP FUNCTION IF EXISTS outgoing_mail_organizations(timestamptz, timestamptz);"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("tenancy", "0006_index_ids"),
    ]

    operations = [
        migrations.CreateModel(
            name="OutgoingMail",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=40)),
                ("to", models.EmailField(max_length=254)),
                ("subject", models.CharField(max_length=300)),
                ("body", models.TextField(blank=True)),
                ("html", models.TextField(blank=True)),
                ("on_refused", models.CharField(blank=True, max_length=200)),
                ("refs", models.JSONField(blank=True, default=dict)),
                (
                    "status",
                    models.CharField(
                        choices=[("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed")],
                        default="queued",
                        max_length=8,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("next_attempt_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("last_error", models.CharField(blank=True, max_length=500)),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenancy.organization"
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        condition=models.Q(("status", "queued")),
                        fields=["organization", "next_attempt_at"],
                        name="outgoingmail_due",
                    )
                ],
            },
        ),
        EnableRowLevelSecurity("outgoingmail"),
        DistributeTables("outgoingmail"),
        migrations.RunSQL(ORGANIZATIONS, DROP),
    ]
