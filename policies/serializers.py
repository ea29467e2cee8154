from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from advocacy.api.inputs import JsonInput
from advocacy.api.serializers import UserBriefSerializer

from .markup import parse_quiz
from .models import Policy, PolicyKind, PolicyReview, PolicyVersion


class VersionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyVersion
        fields = ["id", "number", "status", "title", "change_kind", "published_at", "due_on", "content_sha256"]
        read_only_fields = fields


class PolicySerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=PolicyKind.choices, read_only=True)
    current_version = VersionSummarySerializer(
        read_only=True, allow_null=True, help_text="The published version people acknowledge; null before the first."
    )
    acknowledged = serializers.SerializerMethodField(help_text="Whether you acknowledged it; null for staff lists.")
    review_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = [
            "id",
            "title",
            "kind",
            "summary",
            "status",
            "audience_all",
            "refresh_months",
            "review_due_on",
            "review_overdue",
            "current_version",
            "acknowledged",
        ]
        read_only_fields = fields

    def get_acknowledged(self, obj) -> bool | None:
        return getattr(obj, "acked", None)

    def get_review_overdue(self, obj) -> bool:
        return obj.review_due_on is not None and obj.review_due_on < timezone.localdate()


class QuizQuestionSerializer(serializers.Serializer):
    prompt = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField())


class VersionSerializer(serializers.ModelSerializer):
    quiz = serializers.SerializerMethodField()

    class Meta:
        model = PolicyVersion
        fields = [
            "id",
            "policy",
            "number",
            "status",
            "title",
            "change_kind",
            "change_summary",
            "published_at",
            "due_on",
            "content_sha256",
            "body_markdown",
            "body_html",
            "pass_mark",
            "quiz",
        ]
        read_only_fields = fields

    @extend_schema_field(QuizQuestionSerializer(many=True))
    def get_quiz(self, obj) -> list[dict]:
        """The questions and choices, never the right answers."""
        if not obj.has_quiz:
            return []
        return [{"prompt": q.prompt, "choices": list(q.choices)} for q in parse_quiz(obj.quiz_source)]


class AcknowledgeInputSerializer(JsonInput):
    quiz_answers = serializers.ListField(
        child=serializers.IntegerField(min_value=0), required=False, allow_empty=True, max_length=50
    )


class AcknowledgeOutputSerializer(serializers.Serializer):
    acknowledged = serializers.BooleanField()
    message = serializers.CharField()
    acknowledgement_id = serializers.IntegerField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    content_sha256 = serializers.CharField()
    quiz_score = serializers.IntegerField(allow_null=True)
    quiz_passed = serializers.BooleanField(allow_null=True)


class PublishInputSerializer(JsonInput):
    change_kind = serializers.ChoiceField(choices=PolicyVersion.ChangeKind.choices)
    due_on = serializers.DateField(required=False, allow_null=True)
    review_due_on = serializers.DateField(required=False, allow_null=True)


class TeamCountSerializer(serializers.Serializer):
    team_id = serializers.IntegerField(allow_null=True)
    team = serializers.CharField()
    total = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    pending = serializers.IntegerField()
    overdue = serializers.IntegerField()
    percent = serializers.IntegerField()


class ReportPersonSerializer(serializers.Serializer):
    membership_id = serializers.IntegerField(source="pk")
    user_id = serializers.IntegerField()
    name = serializers.CharField(source="user.full_name")
    email = serializers.EmailField(source="user.email")
    team = serializers.CharField(source="team.name", default=None, allow_null=True)
    acknowledged_at = serializers.DateTimeField(source="ack_at", allow_null=True)


class PolicyReviewSerializer(serializers.ModelSerializer):
    """A recorded periodic review of a policy (never edited)."""

    reviewed_by = UserBriefSerializer(read_only=True, allow_null=True, help_text="Null once they left.")
    reviewed_version = VersionSummarySerializer(
        read_only=True, allow_null=True, help_text="The version in force when the policy was reviewed."
    )
    new_version = VersionSummarySerializer(
        read_only=True, allow_null=True, help_text="The draft the review started (outcome new_version), else null."
    )
    outcome = serializers.ChoiceField(choices=PolicyReview.Outcome.choices, read_only=True)

    class Meta:
        model = PolicyReview
        fields = [
            "id",
            "reviewed_at",
            "reviewed_by",
            "notes",
            "outcome",
            "reviewed_version",
            "new_version",
            "previous_due_on",
            "next_review_on",
        ]
        read_only_fields = fields
