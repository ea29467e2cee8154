"""API shapes of incidents. Outputs are read-only; inputs are JSON (JsonInput) and carry no organization —
the rules (and the checks of ids against the organization) live in the services."""

from rest_framework import serializers

from advocacy.api.inputs import JsonInput

from .models import Incident, IncidentResponder, IncidentStep, Severity, TimelineEntry
from .selectors import STATE_FILTERS
from .services.incidents import TRANSITIONS


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    email = serializers.EmailField()


class IncidentSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    declared_by = PersonSerializer(read_only=True, allow_null=True)
    post = serializers.IntegerField(source="post_id", read_only=True, allow_null=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "reference",
            "title",
            "summary",
            "severity",
            "state",
            "source",
            "review_item_id",
            "post",
            "declared_by",
            "declared_at",
            "contained_at",
            "resolved_at",
            "reviewed_at",
            "updated_at",
        ]
        read_only_fields = fields


class StepSerializer(serializers.ModelSerializer):
    done_by = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = IncidentStep
        fields = ["id", "position", "text", "done_at", "done_by"]
        read_only_fields = fields


class ResponderSerializer(serializers.ModelSerializer):
    user = PersonSerializer(read_only=True)

    class Meta:
        model = IncidentResponder
        fields = ["id", "user", "role", "is_deputy", "notified_at"]
        read_only_fields = fields


class TimelineEntrySerializer(serializers.ModelSerializer):
    actor = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = TimelineEntry
        fields = ["id", "kind", "at", "actor", "text", "data"]
        read_only_fields = fields


class ReviewSerializer(serializers.Serializer):
    what_happened = serializers.CharField()
    what_worked = serializers.CharField()
    what_to_change = serializers.CharField()
    follow_ups = serializers.CharField()


class IncidentDetailSerializer(IncidentSerializer):
    steps = StepSerializer(many=True, read_only=True)
    responders = ResponderSerializer(many=True, read_only=True)
    timeline = TimelineEntrySerializer(many=True, read_only=True)
    review = ReviewSerializer(source="*", read_only=True)

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "steps", "responders", "timeline", "review"]
        read_only_fields = fields


class IncidentFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=list(STATE_FILTERS), required=False, default="all")


class DeclareInputSerializer(JsonInput):
    title = serializers.CharField(max_length=200)
    severity = serializers.ChoiceField(choices=Severity.choices)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    review_item_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class TransitionInputSerializer(JsonInput):
    transition = serializers.ChoiceField(choices=list(TRANSITIONS))
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class NoteInputSerializer(JsonInput):
    text = serializers.CharField(max_length=5000)
