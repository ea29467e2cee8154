"""Serializers of the training API (courses, assignments, completions, workshops, check-ins) and of the
feedback rounds' API."""

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from advocacy.api.serializers import OrganizationTeamField
from advocacy.tenancy.models import Membership

from .models import CheckIn, Course, CourseAssignment, CourseCompletion, FeedbackRound, Workshop


class CourseVersionBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    content_sha256 = serializers.CharField()
    published_at = serializers.DateTimeField()
    pass_mark = serializers.IntegerField(allow_null=True)
    lessons = serializers.SerializerMethodField(help_text="Lesson titles and kinds (lesson / case_study).")

    def get_lessons(self, obj) -> list[dict]:
        return [{"title": lesson["title"], "kind": lesson["kind"]} for lesson in obj.lessons]


class CourseSerializer(serializers.ModelSerializer):
    current_version = CourseVersionBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Course
        fields = ["id", "title", "summary", "status", "recur_months", "assign_new_members", "current_version"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    course = serializers.IntegerField(source="course_id", read_only=True)
    course_title = serializers.CharField(source="course.title", read_only=True)
    completed = serializers.SerializerMethodField()
    source = serializers.CharField(
        read_only=True, help_text="How it was assigned: everyone, team, person, new_member, refresher, moderation."
    )

    class Meta:
        model = CourseAssignment
        fields = ["id", "course", "course_title", "cycle", "due_on", "source", "reason", "completed", "completed_at"]
        read_only_fields = fields

    def get_completed(self, obj) -> bool:
        return obj.completion_id is not None


class CompletionSerializer(serializers.ModelSerializer):
    course = serializers.IntegerField(source="course_id", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = CourseCompletion
        fields = ["id", "course", "version", "content_sha256", "cycle", "via", "score", "completed_at", "valid_until"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class OrganizationMemberField(serializers.PrimaryKeyRelatedField):
    """A user id that must be an active member of the organization in the URL."""

    default_error_messages = {"does_not_exist": "No member with id {pk_value} in this organization."}

    def get_queryset(self):
        organization = self.context["organization"]
        members = Membership.objects.filter(organization=organization, is_active=True).values("user_id")
        return get_user_model().objects.filter(pk__in=members)


class AssignInputSerializer(serializers.Serializer):
    user = OrganizationMemberField(required=False, help_text="One member (leave out for a team or everyone).")
    team = OrganizationTeamField(required=False, help_text="Every member of this team.")
    due_on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=280)

    def validate(self, attrs):
        if attrs.get("user") and attrs.get("team"):
            raise serializers.ValidationError("Give a user or a team, not both.")
        return attrs


class QuizInputSerializer(serializers.Serializer):
    answers = serializers.ListField(child=serializers.IntegerField(min_value=0), max_length=20)


class QuizResultSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    passed = serializers.BooleanField()
    completion_id = serializers.IntegerField(allow_null=True)


class WorkshopSerializer(serializers.ModelSerializer):
    seats_taken = serializers.IntegerField(source="taken", read_only=True, default=0, allow_null=True)
    registered = serializers.BooleanField(source="mine", read_only=True, default=False)
    course = serializers.IntegerField(source="course_id", read_only=True, allow_null=True)

    class Meta:
        model = Workshop
        fields = [
            "id",
            "title",
            "description",
            "starts_at",
            "time_zone",
            "duration_minutes",
            "location",
            "capacity",
            "seats_taken",
            "registered",
            "status",
            "sequence",
            "course",
        ]
        read_only_fields = fields


class CheckInSerializer(serializers.ModelSerializer):
    team = serializers.IntegerField(source="team_id", read_only=True, allow_null=True)

    class Meta:
        model = CheckIn
        fields = ["id", "title", "questions", "team", "starts_on", "repeat_days", "open_days", "is_active"]
        read_only_fields = fields


class CheckInAnswerSerializer(serializers.Serializer):
    answers = serializers.ListField(child=serializers.JSONField(), max_length=5)


class FeedbackRoundSerializer(serializers.ModelSerializer):
    policy = serializers.IntegerField(source="policy_id", read_only=True)
    version = serializers.IntegerField(source="version_id", read_only=True, allow_null=True)

    class Meta:
        model = FeedbackRound
        fields = ["id", "policy", "version", "prompt", "closes_on", "opened_at"]
        read_only_fields = fields


class FeedbackAnswerInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
