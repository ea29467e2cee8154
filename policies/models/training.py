"""Training: courses of lessons and case studies with a scenario quiz, versioned like policies; assignments
with due dates, progress per lesson, quiz attempts and append-only completions; live workshops with
registrations and attendance.

A course has versions. A version is a draft until published; publishing freezes its lessons (Markdown and the
HTML people see, cleaned by nh3) and quiz, with the SHA-256 of what people see. A completion records the exact
version and hash and is never changed (a PostgreSQL trigger rejects UPDATE and DELETE).
"""

from django.conf import settings
from django.db import models

from advocacy.tenancy.models import TenantModel


class Course(TenantModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=160)
    summary = models.CharField(max_length=280, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    current_version = models.ForeignKey(
        "CourseVersion", on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    # a refresher: a completion is valid this many months, then the course assigns itself again
    recur_months = models.PositiveSmallIntegerField(null=True, blank=True)
    # new members get it (as a step of their onboarding checklist), due this many days after they join
    assign_new_members = models.BooleanField(default=False)
    new_member_due_days = models.PositiveSmallIntegerField(default=14)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["organization", "status"], name="course_org_status")]

    def __str__(self):
        return self.title


class CourseVersion(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, db_constraint=False, related_name="versions")
    number = models.PositiveIntegerField(null=True, blank=True, help_text="Assigned at publish: v1, v2, ...")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(max_length=160)
    # the lessons as HR typed them: each lesson starts with a line "# Title" ("# Case study: ..." for a case)
    lessons_markdown = models.TextField(blank=True)
    # frozen at publish: [{"title", "kind", "html"}], exactly what people see
    lessons = models.JSONField(default=list, blank=True)
    quiz_source = models.TextField(blank=True, help_text="Scenario questions, in the policies' quiz format.")
    pass_mark = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Percent needed to pass.")
    content_sha256 = models.CharField(max_length=64, blank=True)
    change_summary = models.CharField(max_length=280, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "course", "number"],
                condition=models.Q(number__isnull=False),
                name="courseversion_unique_number",
            ),
            models.UniqueConstraint(
                fields=["organization", "course"],
                condition=models.Q(status="draft"),
                name="courseversion_one_draft",
            ),
        ]
        indexes = [models.Index(fields=["organization", "course", "status"], name="coursever_org_course_status")]

    def __str__(self):
        return f"{self.title} v{self.number}" if self.number else f"{self.title} (draft)"

    @property
    def label(self) -> str:
        return f"v{self.number}" if self.number else "Draft"

    @property
    def has_quiz(self) -> bool:
        return bool(self.quiz_source.strip()) and self.pass_mark is not None


class CourseAssignment(TenantModel):
    """A course someone must complete by a date. One per person, course and cycle (a refresher's next cycle is
    a new assignment); `completion` is set when they complete it."""

    class Source(models.TextChoices):
        EVERYONE = "everyone", "Everyone"
        TEAM = "team", "Team"
        PERSON = "person", "Individual"
        NEW_MEMBER = "new_member", "New member"
        REFRESHER = "refresher", "Refresher"
        MODERATION = "moderation", "Moderator's decision"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, db_constraint=False, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    cycle = models.PositiveIntegerField(default=0)
    due_on = models.DateField()
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.PERSON)
    reason = models.CharField(max_length=280, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    completion = models.ForeignKey(
        "CourseCompletion", on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "course", "user", "cycle"], name="courseassignment_once"),
        ]
        indexes = [
            models.Index(fields=["organization", "course", "completed_at"], name="courseassign_org_course_done"),
            models.Index(fields=["organization", "user", "completed_at"], name="courseassign_org_user_done"),
            models.Index(fields=["organization", "due_on"], name="courseassign_org_due"),
        ]

    def __str__(self) -> str:
        return f"Course #{self.course_id} for user #{self.user_id} by {self.due_on}"


class CourseProgress(TenantModel):
    """Where a person is in a course version: the lessons they finished and the one they were last on."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    version = models.ForeignKey(CourseVersion, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    lessons_done = models.JSONField(default=list, blank=True)
    last_lesson = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "version", "user"], name="courseprogress_once"),
        ]

    def __str__(self) -> str:
        return f"Progress of user #{self.user_id} in course version #{self.version_id}"


class CourseQuizAttempt(TenantModel):
    version = models.ForeignKey(CourseVersion, on_delete=models.PROTECT, db_constraint=False, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    answers = models.JSONField(default=list)
    score = models.PositiveSmallIntegerField(help_text="Percent of correct answers.")
    passed = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "version", "user"], name="coursequiz_org_ver_user")]

    def __str__(self) -> str:
        return f"Quiz attempt on course version #{self.version_id}: {self.score}%"


class CourseCompletion(TenantModel):
    """Append-only proof that a person completed an exact course version (its hash). A PostgreSQL trigger
    rejects UPDATE and DELETE. The recognition app may read it to award points."""

    class Via(models.TextChoices):
        COURSE = "course", "Took the course"
        WORKSHOP = "workshop", "Attended a workshop"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, db_constraint=False, related_name="completions")
    version = models.ForeignKey(CourseVersion, on_delete=models.PROTECT, db_constraint=False, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    user_email = models.CharField(max_length=254)
    user_name = models.CharField(max_length=150, blank=True)
    content_sha256 = models.CharField(max_length=64)
    cycle = models.PositiveIntegerField(default=0)
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.COURSE)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    quiz_attempt = models.ForeignKey(
        CourseQuizAttempt, on_delete=models.PROTECT, db_constraint=False, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True, help_text="Set for a refresher course.")

    class Meta:
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "version", "user", "cycle"], name="coursecompletion_once_per_cycle"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "course", "user"], name="coursecompl_org_course_user"),
            models.Index(fields=["organization", "user", "completed_at"], name="coursecompl_org_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.user_email} completed course version #{self.version_id}"


class TrainingReminderLog(TenantModel):
    """Inserted *before* a training reminder is queued; the unique key makes a second run a no-op."""

    assignment = models.ForeignKey(CourseAssignment, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    interval_key = models.CharField(max_length=64)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "assignment", "interval_key"], name="trainingreminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.interval_key} of assignment #{self.assignment_id}"


class Workshop(TenantModel):
    """A live session (in a room or by video). `sequence` goes up at every change people must know about, so
    calendar programs replace the event they hold (the UID stays)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="UTC")
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    location = models.CharField(max_length=200, blank=True)
    video_url = models.URLField(max_length=400, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    course = models.ForeignKey(
        Course, on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="workshops"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["organization", "status", "starts_at"], name="workshop_org_status_start")]

    def __str__(self):
        return self.title


class WorkshopRegistration(TenantModel):
    class Status(models.TextChoices):
        REGISTERED = "registered", "Registered"
        CANCELLED = "cancelled", "Cancelled"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, db_constraint=False, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REGISTERED)
    attended = models.BooleanField(null=True, blank=True, help_text="Recorded by HR after the session.")
    registered_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "workshop", "user"], name="workshopregistration_once"),
        ]
        indexes = [models.Index(fields=["organization", "user", "status"], name="workshopreg_org_user_status")]

    def __str__(self) -> str:
        return f"User #{self.user_id} for workshop #{self.workshop_id}"


class CheckIn(TenantModel):
    """A short set of questions (a 1-5 scale or free text) HR asks a team or everyone, once or every N days.
    Answers are anonymous: HR sees them only summarized, for groups of five people or more."""

    title = models.CharField(max_length=160)
    # [{"text": "...", "kind": "scale" | "text"}], at most five
    questions = models.JSONField(default=list)
    team = models.ForeignKey(
        "tenancy.Team", on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField()
    repeat_days = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Ask again every N days.")
    open_days = models.PositiveSmallIntegerField(default=7, help_text="Each round takes answers this many days.")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["organization", "is_active", "starts_on"], name="checkin_org_active_start")]

    def __str__(self):
        return self.title


class CheckInResponse(TenantModel):
    """One member's answers to one round of a check-in. The member is kept only so they answer once per round;
    HR never sees who answered."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, db_constraint=False, related_name="responses")
    round_on = models.DateField(help_text="The day the round opened.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    answers = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "checkin", "round_on", "user"], name="checkinresponse_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to check-in #{self.checkin_id} of {self.round_on}"
