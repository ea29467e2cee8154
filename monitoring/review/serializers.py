"""API serializers of the review queue: items (with signals), decisions, reports (never naming an anonymous
reporter) and appeals; input serializers parse, the services validate."""

from rest_framework import serializers

from .models import Appeal, Consequence, Decision, ItemSignal, Report, ReviewItem, Source


class SignalSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItemSignal
        fields = [
            "id",
            "source",
            "reason",
            "rule_id",
            "rule_name",
            "rule_category",
            "severity",
            "matched_text",
            "start",
            "end",
            "sentiment",
            "growth",
            "created_at",
        ]


class ItemSerializer(serializers.ModelSerializer):
    priority = serializers.CharField(source="priority_key")
    is_overdue = serializers.BooleanField()
    assignee_id = serializers.IntegerField(allow_null=True)
    member_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = ReviewItem
        fields = [
            "id",
            "state",
            "version",
            "priority",
            "priority_reasons",
            "due_at",
            "is_overdue",
            "sources",
            "rule_categories",
            "network",
            "url",
            "snapshot_text",
            "member_id",
            "assignee_id",
            "escalated_to",
            "escalation_contact",
            "outcome",
            "decided_at",
            "created_at",
        ]


class ItemDetailSerializer(ItemSerializer):
    signals = SignalSerializer(many=True, read_only=True)

    class Meta(ItemSerializer.Meta):
        fields = [*ItemSerializer.Meta.fields, "snapshot", "signals"]


class ItemFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["active", "open", "claimed", "escalated", "reopened", "resolved", "overdue", "all"], required=False
    )
    priority = serializers.IntegerField(min_value=1, max_value=4, required=False)
    source = serializers.ChoiceField(choices=Source.choices, required=False)
    network = serializers.CharField(max_length=16, required=False)
    team = serializers.IntegerField(min_value=1, required=False)
    category = serializers.CharField(max_length=24, required=False)
    assignee = serializers.CharField(max_length=20, required=False)


class ConsequenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consequence
        fields = [
            "id",
            "kind",
            "note",
            "days",
            "starts_at",
            "ends_at",
            "course_id",
            "status",
            "fulfilled_at",
            "overruled_at",
        ]


class DecisionSerializer(serializers.ModelSerializer):
    consequences = ConsequenceSerializer(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "item_id",
            "member_id",
            "outcome",
            "reasons",
            "policy_id",
            "policy_section",
            "decided_by_id",
            "decided_at",
            "appeal_until",
            "overturned_at",
            "consequences",
        ]


class ConsequenceInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Consequence.Kind.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    days = serializers.IntegerField(required=False, allow_null=True, default=None)
    course_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class DecideInputSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=ReviewItem.Outcome.choices)
    reasons = serializers.CharField(allow_blank=True)
    policy_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    policy_section = serializers.CharField(required=False, allow_blank=True, default="")
    consequences = ConsequenceInputSerializer(many=True, required=False, default=list)


class ClaimInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReportSerializer(serializers.ModelSerializer):
    item_id = serializers.IntegerField()
    outcome = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "item_id", "category", "description", "url", "share_id", "anonymous", "created_at", "outcome"]

    def get_outcome(self, report) -> str:
        from .selectors import report_outcome

        return report_outcome(report)


class ReportInputSerializer(serializers.Serializer):
    url = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    share_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    category = serializers.CharField(max_length=16)
    description = serializers.CharField(allow_blank=True, max_length=4000)
    anonymous = serializers.BooleanField(required=False, default=False)


class AppealSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = [
            "id",
            "decision_id",
            "member_id",
            "text",
            "state",
            "created_at",
            "decided_by_id",
            "decided_at",
            "response",
        ]


class AppealInputSerializer(serializers.Serializer):
    decision_id = serializers.IntegerField()
    text = serializers.CharField(allow_blank=True, max_length=4000)


class AppealDecideInputSerializer(serializers.Serializer):
    overturn = serializers.BooleanField()
    response = serializers.CharField(allow_blank=True, max_length=4000)
