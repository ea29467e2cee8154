"""Training (issue #15): courses and their versions, assignments, progress, quiz attempts, append-only
completions, reminder claims, workshops and registrations, check-ins and their answers; a review interval per
policy. Tenant tables under row-level security with primary key (organization_id, id) and composite foreign keys."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from advocacy.core.distribution import DistributeTables
from advocacy.tenancy.rls import EnableRowLevelSecurity

TABLES = (
    "course",
    "courseversion",
    "courseassignment",
    "courseprogress",
    "coursequizattempt",
    "coursecompletion",
    "trainingreminderlog",
    "workshop",
    "workshopregistration",
    "checkin",
    "checkinresponse",
)

COMPLETION_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION policies_completion_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'course completions are append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS policies_completion_append_only ON policies_coursecompletion;
CREATE TRIGGER policies_completion_append_only BEFORE UPDATE OR DELETE ON policies_coursecompletion
    FOR EACH ROW EXECUTE FUNCTION policies_completion_reject_change();
"""
DROP_COMPLETION_TRIGGER = """
DROP TRIGGER IF EXISTS policies_completion_append_only ON policies_coursecompletion;
DROP FUNCTION IF EXISTS policies_completion_reject_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0008_feedback_rounds"),
        ("tenancy", "0009_retention_help_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="policy",
            name="review_months",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="Review every N months (empty: the organization's default).", null=True
            ),
        ),
        migrations.CreateModel(
            name="CheckIn",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=160)),
                ("questions", models.JSONField(default=list)),
                ("starts_on", models.DateField()),
                (
                    "repeat_days",
                    models.PositiveSmallIntegerField(blank=True, help_text="Ask again every N days.", null=True),
                ),
                (
                    "open_days",
                    models.PositiveSmallIntegerField(default=7, help_text="Each round takes answers this many days."),
                ),
                ("is_active", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
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
                    "team",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="tenancy.team",
                    ),
                ),
            ],
            options={
                "ordering": ["-starts_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="CheckInResponse",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("round_on", models.DateField(help_text="The day the round opened.")),
                ("answers", models.JSONField(default=list)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "checkin",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="responses",
                        to="policies.checkin",
                    ),
                ),
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
            ],
        ),
        migrations.CreateModel(
            name="Course",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=160)),
                ("summary", models.CharField(blank=True, max_length=280)),
                (
                    "status",
                    models.CharField(
                        choices=[("active", "Active"), ("archived", "Archived")], default="active", max_length=10
                    ),
                ),
                ("recur_months", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("assign_new_members", models.BooleanField(default=False)),
                ("new_member_due_days", models.PositiveSmallIntegerField(default=14)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "created_by",
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
            ],
            options={
                "ordering": ["title"],
            },
        ),
        migrations.CreateModel(
            name="CourseCompletion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("user_email", models.CharField(max_length=254)),
                ("user_name", models.CharField(blank=True, max_length=150)),
                ("content_sha256", models.CharField(max_length=64)),
                ("cycle", models.PositiveIntegerField(default=0)),
                (
                    "via",
                    models.CharField(
                        choices=[("course", "Took the course"), ("workshop", "Attended a workshop")],
                        default="course",
                        max_length=10,
                    ),
                ),
                ("score", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("completed_at", models.DateTimeField()),
                ("valid_until", models.DateTimeField(blank=True, help_text="Set for a refresher course.", null=True)),
                (
                    "course",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="completions",
                        to="policies.course",
                    ),
                ),
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
            ],
            options={
                "ordering": ["-completed_at"],
            },
        ),
        migrations.CreateModel(
            name="CourseAssignment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("cycle", models.PositiveIntegerField(default=0)),
                ("due_on", models.DateField()),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("everyone", "Everyone"),
                            ("team", "Team"),
                            ("person", "Individual"),
                            ("new_member", "New member"),
                            ("refresher", "Refresher"),
                            ("moderation", "Moderator's decision"),
                        ],
                        default="person",
                        max_length=12,
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=280)),
                ("assigned_at", models.DateTimeField(auto_now_add=True)),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "assigned_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "course",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to="policies.course",
                    ),
                ),
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
                    "completion",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="policies.coursecompletion",
                    ),
                ),
            ],
            options={
                "ordering": ["due_on", "id"],
            },
        ),
        migrations.CreateModel(
            name="CourseQuizAttempt",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("answers", models.JSONField(default=list)),
                ("score", models.PositiveSmallIntegerField(help_text="Percent of correct answers.")),
                ("passed", models.BooleanField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
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
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.AddField(
            model_name="coursecompletion",
            name="quiz_attempt",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="policies.coursequizattempt",
            ),
        ),
        migrations.CreateModel(
            name="CourseVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "number",
                    models.PositiveIntegerField(blank=True, help_text="Assigned at publish: v1, v2, ...", null=True),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("published", "Published"), ("superseded", "Superseded")],
                        default="draft",
                        max_length=12,
                    ),
                ),
                ("title", models.CharField(max_length=160)),
                ("lessons_markdown", models.TextField(blank=True)),
                ("lessons", models.JSONField(blank=True, default=list)),
                (
                    "quiz_source",
                    models.TextField(blank=True, help_text="Scenario questions, in the policies' quiz format."),
                ),
                (
                    "pass_mark",
                    models.PositiveSmallIntegerField(blank=True, help_text="Percent needed to pass.", null=True),
                ),
                ("content_sha256", models.CharField(blank=True, max_length=64)),
                ("change_summary", models.CharField(blank=True, max_length=280)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("published_at", models.DateTimeField(blank=True, null=True)),
                (
                    "course",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="versions",
                        to="policies.course",
                    ),
                ),
                (
                    "created_by",
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
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-number", "-created_at"],
            },
        ),
        migrations.AddField(
            model_name="coursequizattempt",
            name="version",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="policies.courseversion",
            ),
        ),
        migrations.CreateModel(
            name="CourseProgress",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("lessons_done", models.JSONField(blank=True, default=list)),
                ("last_lesson", models.PositiveSmallIntegerField(default=0)),
                ("started_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "course",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="policies.course",
                    ),
                ),
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
                    "version",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="policies.courseversion",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="coursecompletion",
            name="version",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="policies.courseversion",
            ),
        ),
        migrations.AddField(
            model_name="course",
            name="current_version",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="policies.courseversion",
            ),
        ),
        migrations.CreateModel(
            name="TrainingReminderLog",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("interval_key", models.CharField(max_length=64)),
                ("sent_at", models.DateTimeField(auto_now_add=True)),
                (
                    "assignment",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="policies.courseassignment",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenancy.organization"
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Workshop",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=160)),
                ("description", models.TextField(blank=True)),
                ("starts_at", models.DateTimeField()),
                ("time_zone", models.CharField(default="UTC", max_length=64)),
                ("duration_minutes", models.PositiveSmallIntegerField(default=60)),
                ("location", models.CharField(blank=True, max_length=200)),
                ("video_url", models.URLField(blank=True, max_length=400)),
                ("capacity", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "status",
                    models.CharField(
                        choices=[("scheduled", "Scheduled"), ("cancelled", "Cancelled")],
                        default="scheduled",
                        max_length=10,
                    ),
                ),
                ("sequence", models.PositiveIntegerField(default=0)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "course",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="workshops",
                        to="policies.course",
                    ),
                ),
                (
                    "created_by",
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
            ],
            options={
                "ordering": ["starts_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="WorkshopRegistration",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[("registered", "Registered"), ("cancelled", "Cancelled")],
                        default="registered",
                        max_length=12,
                    ),
                ),
                ("attended", models.BooleanField(blank=True, help_text="Recorded by HR after the session.", null=True)),
                ("registered_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("reminded_on", models.DateField(blank=True, null=True)),
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
                    "workshop",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="registrations",
                        to="policies.workshop",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="checkin",
            index=models.Index(fields=["organization", "is_active", "starts_on"], name="checkin_org_active_start"),
        ),
        migrations.AddConstraint(
            model_name="checkinresponse",
            constraint=models.UniqueConstraint(
                fields=("organization", "checkin", "round_on", "user"), name="checkinresponse_once"
            ),
        ),
        migrations.AddIndex(
            model_name="courseassignment",
            index=models.Index(fields=["organization", "course", "completed_at"], name="courseassign_org_course_done"),
        ),
        migrations.AddIndex(
            model_name="courseassignment",
            index=models.Index(fields=["organization", "user", "completed_at"], name="courseassign_org_user_done"),
        ),
        migrations.AddIndex(
            model_name="courseassignment",
            index=models.Index(fields=["organization", "due_on"], name="courseassign_org_due"),
        ),
        migrations.AddConstraint(
            model_name="courseassignment",
            constraint=models.UniqueConstraint(
                fields=("organization", "course", "user", "cycle"), name="courseassignment_once"
            ),
        ),
        migrations.AddIndex(
            model_name="courseversion",
            index=models.Index(fields=["organization", "course", "status"], name="coursever_org_course_status"),
        ),
        migrations.AddConstraint(
            model_name="courseversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number__isnull", False)),
                fields=("organization", "course", "number"),
                name="courseversion_unique_number",
            ),
        ),
        migrations.AddConstraint(
            model_name="courseversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "draft")),
                fields=("organization", "course"),
                name="courseversion_one_draft",
            ),
        ),
        migrations.AddIndex(
            model_name="coursequizattempt",
            index=models.Index(fields=["organization", "version", "user"], name="coursequiz_org_ver_user"),
        ),
        migrations.AddConstraint(
            model_name="courseprogress",
            constraint=models.UniqueConstraint(fields=("organization", "version", "user"), name="courseprogress_once"),
        ),
        migrations.AddIndex(
            model_name="coursecompletion",
            index=models.Index(fields=["organization", "course", "user"], name="coursecompl_org_course_user"),
        ),
        migrations.AddIndex(
            model_name="coursecompletion",
            index=models.Index(fields=["organization", "user", "completed_at"], name="coursecompl_org_user_time"),
        ),
        migrations.AddConstraint(
            model_name="coursecompletion",
            constraint=models.UniqueConstraint(
                fields=("organization", "version", "user", "cycle"), name="coursecompletion_once_per_cycle"
            ),
        ),
        migrations.AddIndex(
            model_name="course",
            index=models.Index(fields=["organization", "status"], name="course_org_status"),
        ),
        migrations.AddConstraint(
            model_name="trainingreminderlog",
            constraint=models.UniqueConstraint(
                fields=("organization", "assignment", "interval_key"), name="trainingreminder_once"
            ),
        ),
        migrations.AddIndex(
            model_name="workshop",
            index=models.Index(fields=["organization", "status", "starts_at"], name="workshop_org_status_start"),
        ),
        migrations.AddIndex(
            model_name="workshopregistration",
            index=models.Index(fields=["organization", "user", "status"], name="workshopreg_org_user_status"),
        ),
        migrations.AddConstraint(
            model_name="workshopregistration",
            constraint=models.UniqueConstraint(
                fields=("organization", "workshop", "user"), name="workshopregistration_once"
            ),
        ),
        *(EnableRowLevelSecurity(table) for table in TABLES),
        DistributeTables(*TABLES),
        migrations.RunSQL(COMPLETION_APPEND_ONLY, DROP_COMPLETION_TRIGGER),
    ]
