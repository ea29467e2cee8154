"""API shapes of recognition: output serializers of boards, badges, kudos, rewards, redemptions and stories,
and the inputs of the writes (parsed here, checked by the services)."""

from rest_framework import serializers

from .models import Badge, BadgeAward, Kudos, Redemption, Reward, Story
from .selectors import PERIODS


class RecognitionBoardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    points = serializers.IntegerField()
    name = serializers.CharField(help_text="Empty for a member shown as “a colleague”.")
    anonymous = serializers.BooleanField()
    is_viewer = serializers.BooleanField()


class RecognitionBoardSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=list(PERIODS))
    top = RecognitionBoardRowSerializer(many=True)
    near = RecognitionBoardRowSerializer(many=True)
    viewer_rank = serializers.IntegerField(allow_null=True)
    viewer_points = serializers.IntegerField()
    viewer_hidden = serializers.BooleanField()
    size = serializers.IntegerField()


class BoardFilterSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=list(PERIODS), required=False, default="week")


class RecognitionBadgeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Badge
        fields = ["id", "key", "name", "description", "symbol", "picture", "rule", "threshold", "is_active"]


class BadgeAwardSerializer(serializers.ModelSerializer):
    badge = RecognitionBadgeSerializer()

    class Meta:
        model = BadgeAward
        fields = ["id", "badge", "awarded_at", "note"]


class RecognitionMeSerializer(serializers.Serializer):
    points = serializers.DictField(child=serializers.IntegerField(), help_text="period -> points")
    points_left = serializers.IntegerField(help_text="What is left to spend on rewards.")
    badges = BadgeAwardSerializer(many=True)


class RecognitionPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")


class KudosSerializer(serializers.ModelSerializer):
    giver = RecognitionPersonSerializer()
    receiver = RecognitionPersonSerializer()

    class Meta:
        model = Kudos
        fields = ["id", "giver", "receiver", "message", "share", "created_at"]


class KudosInputSerializer(serializers.Serializer):
    receiver = serializers.IntegerField()
    message = serializers.CharField(max_length=500, allow_blank=True)
    share = serializers.IntegerField(required=False, allow_null=True)


class RecognitionRewardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reward
        fields = ["id", "name", "description", "cost", "stock", "is_active"]


class RedemptionSerializer(serializers.ModelSerializer):
    reward = RecognitionRewardSerializer()
    user = RecognitionPersonSerializer()

    class Meta:
        model = Redemption
        fields = ["id", "reward", "user", "cost", "status", "requested_at", "decided_at", "decision_note"]


class DecisionInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


class RecognitionStorySerializer(serializers.ModelSerializer):
    author = RecognitionPersonSerializer()

    class Meta:
        model = Story
        fields = ["id", "kind", "author", "title", "what_happened", "result", "picture", "status", "published_at"]


class StoryInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=160, allow_blank=True)
    what_happened = serializers.CharField(max_length=4000, allow_blank=True)
    result = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    shares = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=10)
