"""Recorded policy reviews (who, when, notes, outcome, the next review date): a tenant table like the others,
with row-level security and primary key (organization_id, id)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from advocacy.core.distribution import DistributeTables
from advocacy.tenancy.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0006_index_ids"),
        ("tenancy", "0006_index_ids"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PolicyReview",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reviewed_at", models.DateTimeField()),
                ("notes", models.TextField()),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("no_change", "Still right, no change"),
                            ("new_version", "Needs changes, new version started"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "previous_due_on",
                    models.DateField(blank=True, help_text="The review date this review answered.", null=True),
                ),
                ("next_review_on", models.DateField()),
                (
                    "new_version",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The draft the review started (outcome: new version).",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="policies.policyversion",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenancy.organization"
                    ),
                ),
                (
                    "policy",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="periodic_reviews",
                        to="policies.policy",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "reviewed_version",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The version in force when the policy was reviewed.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="policies.policyversion",
                    ),
                ),
            ],
            options={
                "ordering": ["-reviewed_at", "-id"],
                "indexes": [
                    models.Index(fields=["organization", "policy", "reviewed_at"], name="policyreview_org_pol_at")
                ],
            },
        ),
        EnableRowLevelSecurity("policyreview"),
        DistributeTables("policyreview"),
    ]
