"""Tenancy's tables distributable by organization: primary keys (organization_id, id), composite foreign
keys to teams, and invitation tokens routed through a small routing table (unique per organization in the
invitation table, platform-wide in the route)."""

import django.db.models.deletion
from django.db import migrations, models

from advocacy.core.distribution import DistributeTables, maintain_route


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0003_team_foreign_keys_composite_ready"),
        ("content_library", "0007_foreign_keys_composite_ready"),
        ("policies", "0004_foreign_keys_composite_ready"),
    ]

    operations = [
        migrations.CreateModel(
            name="InvitationRoute",
            fields=[
                ("token_hash", models.CharField(max_length=64, primary_key=True, serialize=False)),
            ],
        ),
        migrations.AlterField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(max_length=64),
        ),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(fields=("organization", "token_hash"), name="invitation_unique_token"),
        ),
        migrations.AddField(
            model_name="invitationroute",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenancy.organization"
            ),
        ),
        maintain_route(
            source_table="tenancy_invitation",
            column="token_hash",
            route_table="tenancy_invitationroute",
            route_column="token_hash",
        ),
        DistributeTables("team", "membership", "invitation", "rosterimport"),
    ]
