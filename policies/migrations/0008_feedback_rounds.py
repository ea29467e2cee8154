"""Feedback rounds before a policy review and the members' answers: tenant tables like the others, with
row-level security and primary key (organization_id, id)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from advocacy.core.distribution import DistributeTables
from advocacy.tenancy.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0007_policy_review"),
        ("tenancy", "0009_retention_help_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FeedbackRound",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("prompt", models.CharField(max_length=280)),
                ("closes_on", models.DateField(help_text="Answers are taken until the end of this day.")),
                ("opened_at", models.DateTimeField()),
                (
                    "opened_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
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
                        related_name="feedback_rounds",
                        to="policies.policy",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The version in force when the round opened.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="policies.policyversion",
                    ),
                ),
            ],
            options={
                "ordering": ["-opened_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="FeedbackAnswer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("rating", models.PositiveSmallIntegerField()),
                ("comment", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenancy.organization"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="policies.feedbackround",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="feedbackround",
            index=models.Index(fields=["organization", "policy", "closes_on"], name="feedbackround_org_pol_close"),
        ),
        migrations.AddConstraint(
            model_name="feedbackanswer",
            constraint=models.UniqueConstraint(fields=("organization", "round", "user"), name="feedbackanswer_once"),
        ),
        migrations.AddConstraint(
            model_name="feedbackanswer",
            constraint=models.CheckConstraint(
                condition=models.Q(("rating__gte", 1), ("rating__lte", 5)), name="feedbackanswer_rating"
            ),
        ),
        EnableRowLevelSecurity("feedbackround"),
        EnableRowLevelSecurity("feedbackanswer"),
        DistributeTables("feedbackround", "feedbackanswer"),
    ]
