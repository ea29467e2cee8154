"""API shapes of monitoring. Outputs are read-only (no token or credential is ever in one); inputs parse and
check that ids belong to the organization in the URL — the rules live in the services."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from advocacy.api.inputs import JsonInput
from advocacy.api.serializers import OrganizationTeamField
from policies.models import Policy

from .models import Mention, Network, Post, Rule, RuleMatch
from .selectors import DEFAULT_PERIOD, PERIODS, SENTIMENTS


class MatchSerializer(serializers.ModelSerializer):
    rule_name = serializers.CharField(source="rule.name", read_only=True)

    class Meta:
        model = RuleMatch
        fields = ["id", "rule", "rule_name", "matched_text", "start", "end", "created_at"]
        read_only_fields = fields


class SentimentSerializer(serializers.Serializer):
    state = serializers.CharField(source="sentiment_state")
    compound = serializers.FloatField(source="sentiment_compound", allow_null=True)
    positive = serializers.FloatField(source="sentiment_positive", allow_null=True)
    neutral = serializers.FloatField(source="sentiment_neutral", allow_null=True)
    negative = serializers.FloatField(source="sentiment_negative", allow_null=True)
    model = serializers.CharField(source="sentiment_model")


class EngagementSerializer(serializers.Serializer):
    likes = serializers.IntegerField()
    reposts = serializers.IntegerField()
    replies = serializers.IntegerField()
    quotes = serializers.IntegerField()


class PostSerializer(serializers.ModelSerializer):
    member = serializers.SerializerMethodField()
    handle = serializers.CharField(source="account.handle", read_only=True)
    sentiment = SentimentSerializer(source="*", read_only=True)
    engagement = EngagementSerializer(source="*", read_only=True)
    matches = MatchSerializer(many=True, read_only=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "network",
            "external_id",
            "url",
            "text",
            "language",
            "posted_at",
            "edited_at",
            "member",
            "handle",
            "share",
            "content_item",
            "campaign",
            "engagement",
            "sentiment",
            "matches",
            "first_seen_at",
            "last_seen_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_member(self, post) -> dict:
        return {"id": post.user_id, "name": post.user.display_name}


class MentionSerializer(serializers.ModelSerializer):
    sentiment = SentimentSerializer(source="*", read_only=True)
    engagement = EngagementSerializer(source="*", read_only=True)
    matches = MatchSerializer(many=True, read_only=True)

    class Meta:
        model = Mention
        fields = [
            "id",
            "network",
            "external_id",
            "url",
            "author_handle",
            "author_name",
            "text",
            "language",
            "posted_at",
            "matched_terms",
            "engagement",
            "sentiment",
            "matches",
            "first_seen_at",
        ]
        read_only_fields = fields


class RuleSerializer(serializers.ModelSerializer):
    match_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Rule
        fields = [
            "id",
            "name",
            "kind",
            "pattern",
            "category",
            "severity",
            "sentiment_condition",
            "policy",
            "section",
            "enabled",
            "match_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class OrganizationPolicyField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {"does_not_exist": "No policy with id {pk_value} in this organization."}

    def get_queryset(self):
        return Policy.objects.filter(organization=self.context["organization"])


class RuleInputSerializer(JsonInput):
    """A rule's fields; on update, the fields sent change and the others keep their value."""

    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    kind = serializers.CharField(required=False)
    pattern = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    category = serializers.CharField(required=False)
    severity = serializers.CharField(required=False)
    sentiment_condition = serializers.CharField(required=False)
    policy = OrganizationPolicyField(required=False, allow_null=True)
    section = serializers.CharField(required=False, allow_blank=True, max_length=200)
    enabled = serializers.BooleanField(required=False)


class RuleTestInputSerializer(JsonInput):
    text = serializers.CharField(max_length=5000)
    shares_content = serializers.BooleanField(required=False, default=False)


class RuleTestMatchSerializer(serializers.Serializer):
    rule = serializers.IntegerField(source="rule_id")
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField()
    via = serializers.CharField(help_text="phrase, word_form, hashtag, regex, domain, competitor, missing_disclosure")
    term = serializers.CharField()


class RuleTestOutputSerializer(serializers.Serializer):
    language = serializers.CharField()
    sentiment_state = serializers.CharField()
    compound = serializers.FloatField(allow_null=True)
    matches = RuleTestMatchSerializer(many=True)
    held_back = RuleTestMatchSerializer(many=True, help_text="Found, but the rule's sentiment condition is not met.")


class PostFilterSerializer(serializers.Serializer):
    network = serializers.ChoiceField(choices=Network.choices, required=False)
    team = OrganizationTeamField(help_text="Posts by members of this team.")
    sentiment = serializers.ChoiceField(choices=SENTIMENTS, required=False)
    rule = serializers.PrimaryKeyRelatedField(
        queryset=Rule.objects.none(),
        required=False,
        help_text="Matched it.",
        error_messages={"does_not_exist": "No rule with id {pk_value} in this organization."},
    )
    flagged = serializers.BooleanField(required=False, default=False, help_text="Matched any rule.")
    period = serializers.ChoiceField(choices=list(PERIODS), required=False, default=DEFAULT_PERIOD)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organization = self.context.get("organization")
        if organization is not None:
            self.fields["rule"].queryset = Rule.objects.filter(organization=organization)


class MentionFilterSerializer(serializers.Serializer):
    network = serializers.ChoiceField(choices=Network.choices, required=False)
    sentiment = serializers.ChoiceField(choices=SENTIMENTS, required=False)
    period = serializers.ChoiceField(choices=list(PERIODS), required=False, default=DEFAULT_PERIOD)
