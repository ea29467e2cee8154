"""The click spool: countable clicks taken while Redis could not buffer them (content_library.links), a tenant
table like the others (row-level security, primary key (organization_id, id))."""

import django.db.models.deletion
from django.db import migrations, models

from advocacy.core.distribution import DistributeTables
from advocacy.tenancy.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("content_library", "0009_clickdaily_partitioned"),
        ("tenancy", "0005_organization_click_retention"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClickSpool",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=16)),
                ("fingerprint", models.CharField(max_length=24)),
                ("clicked_at", models.DateTimeField()),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenancy.organization"
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["organization", "code", "fingerprint", "clicked_at"], name="clickspool_repeat")
                ],
            },
        ),
        EnableRowLevelSecurity("clickspool"),
        DistributeTables("clickspool"),
    ]
