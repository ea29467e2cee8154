"""API shapes of the content library: read-only outputs, inputs that only parse."""

from rest_framework import serializers

from advocacy.api.inputs import JsonInput

from .models import Campaign, ContentItem, ContentRevision, Hashtag, Share
from .networks import Network
from .services import share_intent


class OptionalUrlField(serializers.URLField):
    """A web address, or null where there is none (the column stores "" for none)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


def _captions(**kwargs):
    return serializers.DictField(
        child=serializers.CharField(), help_text="Suggested caption per network (linkedin, x, ...).", **kwargs
    )


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
    url = OptionalUrlField(help_text="The page to share; null for a text post or a graphic.")
    image_url = OptionalUrlField(help_text="Preview image found on the linked page, if any.")
    captions = _captions(read_only=True)
    campaign = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
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


# A graphic needs its picture uploaded, which the API does not take: it creates links and text posts.
API_KINDS = [(k, label) for k, label in ContentItem.Kind.choices if k != ContentItem.Kind.FILE]


class ContentInputSerializer(JsonInput):
    kind = serializers.ChoiceField(choices=API_KINDS, default=ContentItem.Kind.LINK)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    url = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=1000,
        help_text="The page to share, starting with http:// or https://; required for a link, empty for a text post.",
    )
    image_url = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=1000,
        help_text="A preview image, starting with http:// or https://, or empty.",
    )
    captions = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text="Suggested caption per network (linkedin, x, facebook, mastodon, bluesky; others are ignored), "
        "each within that network's length with the tracked link counted.",
    )
    topic_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    hashtag_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    team_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    campaign_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    publish_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class SuggestionInputSerializer(JsonInput):
    url = serializers.CharField(max_length=1000, help_text="The page to suggest, starting with http:// or https://.")
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    caption = serializers.CharField(required=False, allow_blank=True, default="", max_length=3000)


class ShareInputSerializer(JsonInput):
    network = serializers.ChoiceField(choices=Network.choices)
    caption = serializers.CharField(required=False, allow_blank=True, default="", max_length=63206)


class ShareSerializer(serializers.ModelSerializer):
    tracked_link = OptionalUrlField(
        source="short_url", help_text="The link to post (it counts clicks); null for a text post."
    )
    destination = OptionalUrlField(help_text="Where the tracked link leads (with campaign tags); null for a text post.")
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
    author = serializers.EmailField(
        source="author.email", read_only=True, allow_null=True, default=None, help_text="null once the account is gone."
    )
    url = OptionalUrlField()
    captions = _captions(read_only=True)

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


class RejectInputSerializer(JsonInput):
    reason = serializers.CharField(max_length=2000)


class ContentFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Search words: the best 50 matches, ranked, with `rank` and highlighted title and summary.",
    )
    topic = serializers.IntegerField(required=False, help_text="Items of this topic.")
    hashtag = serializers.IntegerField(required=False, help_text="Items with this hashtag.")
    campaign = serializers.IntegerField(required=False, help_text="Items of this campaign.")
