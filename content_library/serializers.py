"""API shapes of the content library: read-only outputs, inputs that only parse."""

from rest_framework import serializers

from .models import Campaign, ContentItem, ContentRevision, Hashtag, Share
from .networks import Network
from .services import share_intent


class HashtagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hashtag
        fields = ["id", "name", "description", "is_campaign", "item_count", "share_count"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer):
    hashtags = HashtagSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "goal",
            "description",
            "status",
            "starts_on",
            "ends_on",
            "share_goal",
            "share_count",
            "click_count",
            "hashtags",
        ]
        read_only_fields = fields


class ContentSerializer(serializers.ModelSerializer):
    hashtags = HashtagSerializer(many=True, read_only=True)
    campaign = serializers.PrimaryKeyRelatedField(read_only=True)
    status = serializers.CharField(source="effective_status", read_only=True)
    topics = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = ContentItem
        fields = [
            "id",
            "kind",
            "title",
            "summary",
            "url",
            "image_url",
            "captions",
            "status",
            "publish_at",
            "expires_at",
            "campaign",
            "topics",
            "hashtags",
            "share_count",
            "click_count",
        ]
        read_only_fields = fields


class SearchResultSerializer(ContentSerializer):
    rank = serializers.FloatField(read_only=True)
    title_highlighted = serializers.CharField(read_only=True, help_text="HTML: escaped, matches in <mark>.")
    summary_highlighted = serializers.CharField(read_only=True, help_text="HTML: escaped, matches in <mark>.")

    class Meta(ContentSerializer.Meta):
        fields = ContentSerializer.Meta.fields + ["rank", "title_highlighted", "summary_highlighted"]
        read_only_fields = fields


class ContentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ContentItem.Kind.choices, default=ContentItem.Kind.LINK)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    url = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    image_url = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    captions = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)
    topic_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    hashtag_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    team_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    campaign_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    publish_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class SuggestionInputSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=1000)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    caption = serializers.CharField(required=False, allow_blank=True, default="", max_length=3000)


class ShareInputSerializer(serializers.Serializer):
    network = serializers.ChoiceField(choices=Network.choices)
    caption = serializers.CharField(required=False, allow_blank=True, default="", max_length=63206)


class ShareSerializer(serializers.ModelSerializer):
    tracked_link = serializers.CharField(source="short_url", read_only=True)
    intent_url = serializers.SerializerMethodField()

    class Meta:
        model = Share
        fields = [
            "id",
            "content",
            "network",
            "caption",
            "status",
            "tracked_link",
            "destination",
            "intent_url",
            "confirmed_at",
            "click_count",
        ]
        read_only_fields = fields

    def get_intent_url(self, share) -> str:
        return share_intent(share, mastodon_instance=self.context.get("mastodon_instance", ""))


class RevisionSerializer(serializers.ModelSerializer):
    author = serializers.EmailField(source="author.email", read_only=True, default="")

    class Meta:
        model = ContentRevision
        fields = [
            "id",
            "content",
            "number",
            "title",
            "summary",
            "url",
            "captions",
            "status",
            "author",
            "created_at",
            "reason",
        ]
        read_only_fields = fields


class RejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ContentFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    topic = serializers.IntegerField(required=False)
    hashtag = serializers.IntegerField(required=False)
    campaign = serializers.IntegerField(required=False)
