"""The API's input (the dashboard's filters) and outputs (figures, series, breakdowns, compliance, My impact)."""

from rest_framework import serializers

from .selectors.periods import PERIODS


class AnalyticsFigureInput(serializers.Serializer):
    """Documents the query string; FilterForm parses it (the same rules as the page)."""

    period = serializers.ChoiceField(choices=list(PERIODS), required=False, help_text="7, 30, 90, quarter or custom.")
    start = serializers.DateField(required=False, help_text="First day of a custom period.")
    end = serializers.DateField(required=False, help_text="Last day of a custom period (today at the latest).")
    team = serializers.IntegerField(required=False, help_text="A team of this organization.")
    campaign = serializers.IntegerField(required=False, help_text="A campaign of this organization.")
    network = serializers.CharField(
        required=False, help_text="A network's key: linkedin, x, facebook, mastodon or bluesky."
    )


class AnalyticsSentimentSerializer(serializers.Serializer):
    positive = serializers.IntegerField()
    neutral = serializers.IntegerField()
    negative = serializers.IntegerField()
    scored = serializers.IntegerField()
    net = serializers.IntegerField(allow_null=True, help_text="(positive - negative) / scored x 100.")


class AnalyticsTotalsSerializer(serializers.Serializer):
    shares = serializers.IntegerField(help_text="Confirmed shares (exact).")
    clicks = serializers.IntegerField(help_text="Human clicks on tracked links (exact; bots never counted).")
    reach = serializers.IntegerField(help_text="Estimate: followers of the accounts that shared, per share.")
    posts = serializers.IntegerField()
    engagement = serializers.IntegerField(help_text="Likes, reposts, replies and quotes on posts carrying a share.")
    sharers = serializers.IntegerField(help_text="Active members who shared.")
    members = serializers.IntegerField(help_text="Active members (of the team, when filtered).")
    participation = serializers.FloatField(allow_null=True, help_text="sharers / members, in percent.")
    ctr = serializers.FloatField(allow_null=True, help_text="Human clicks per share.")
    emv = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text="Estimate: reach/1000 x CPM + clicks x CPC."
    )
    post_sentiment = AnalyticsSentimentSerializer()
    mentions = serializers.IntegerField()
    mention_sentiment = AnalyticsSentimentSerializer()


class AnalyticsWindowSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    previous_start = serializers.DateField()
    previous_end = serializers.DateField()
    team = serializers.IntegerField(allow_null=True)
    campaign = serializers.IntegerField(allow_null=True)
    network = serializers.CharField()


class AnalyticsPricesSerializer(serializers.Serializer):
    cpm = serializers.DecimalField(max_digits=8, decimal_places=2)
    cpc = serializers.DecimalField(max_digits=8, decimal_places=2)
    currency = serializers.CharField()


class AnalyticsFiguresSerializer(serializers.Serializer):
    period = AnalyticsWindowSerializer()
    current = AnalyticsTotalsSerializer()
    previous = AnalyticsTotalsSerializer()
    prices = AnalyticsPricesSerializer()


class AnalyticsPointSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="The day, or the Monday of the week for periods over 45 days.")
    shares = serializers.IntegerField()
    clicks = serializers.IntegerField()
    sharers = serializers.IntegerField()
    engagement = serializers.IntegerField()
    reach = serializers.IntegerField()
    mentions = serializers.IntegerField()


class AnalyticsSeriesSerializer(serializers.Serializer):
    period = AnalyticsWindowSerializer()
    by = serializers.ChoiceField(choices=["day", "week"])
    points = AnalyticsPointSerializer(many=True)


class AnalyticsBreakdownRowSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True, help_text="Team, campaign or content id, or the network.")
    name = serializers.CharField()
    shares = serializers.IntegerField()
    clicks = serializers.IntegerField()
    ctr = serializers.FloatField(allow_null=True)
    engagement = serializers.IntegerField()
    reach = serializers.IntegerField()


class AnalyticsSharerSerializer(serializers.Serializer):
    name = serializers.CharField(help_text='"A colleague" for members who appear anonymously.')
    shares = serializers.IntegerField()
    clicks = serializers.IntegerField()
    engagement = serializers.IntegerField()


class AnalyticsBreakdownsSerializer(serializers.Serializer):
    period = AnalyticsWindowSerializer()
    teams = AnalyticsBreakdownRowSerializer(many=True)
    teams_without_shares = serializers.ListField(child=serializers.CharField())
    campaigns = AnalyticsBreakdownRowSerializer(many=True)
    networks = AnalyticsBreakdownRowSerializer(many=True)
    content = AnalyticsBreakdownRowSerializer(many=True)
    content_without_shares = serializers.ListField(child=serializers.CharField())
    sharers = AnalyticsSharerSerializer(many=True)


class AnalyticsPolicyComplianceSerializer(serializers.Serializer):
    title = serializers.CharField()
    version = serializers.IntegerField()
    total = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    pending = serializers.IntegerField()
    overdue = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class AnalyticsCourseCompletionSerializer(serializers.Serializer):
    title = serializers.CharField()
    assigned = serializers.IntegerField()
    completed = serializers.IntegerField()
    overdue = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class AnalyticsComplianceSerializer(serializers.Serializer):
    acknowledged_percent = serializers.FloatField(allow_null=True)
    policies = AnalyticsPolicyComplianceSerializer(many=True)
    training_percent = serializers.FloatField(allow_null=True)
    courses = AnalyticsCourseCompletionSerializer(many=True)


class AnalyticsImpactTotalsSerializer(serializers.Serializer):
    shares = serializers.IntegerField()
    clicks = serializers.IntegerField()
    engagement = serializers.IntegerField()
    reach = serializers.IntegerField()
    posts = serializers.IntegerField()
    ctr = serializers.FloatField(allow_null=True)


class AnalyticsImpactPointSerializer(serializers.Serializer):
    day = serializers.DateField()
    shares = serializers.IntegerField()
    clicks = serializers.IntegerField()
    engagement = serializers.IntegerField()
    points = serializers.IntegerField()


class AnalyticsImpactSerializer(serializers.Serializer):
    period = AnalyticsWindowSerializer()
    current = AnalyticsImpactTotalsSerializer()
    previous = AnalyticsImpactTotalsSerializer()
    points = AnalyticsImpactPointSerializer(many=True)


class AnalyticsModerationTotalsSerializer(serializers.Serializer):
    raised = serializers.IntegerField(help_text="Review items flagged in the period.")
    decided = serializers.IntegerField(help_text="Review items decided in the period.")
    decided_in_time = serializers.IntegerField(help_text="Decided by their due time (the service level).")
    in_time_percent = serializers.FloatField(allow_null=True)
    hours_to_decision = serializers.FloatField(allow_null=True, help_text="Average, flag to decision.")
    violations = serializers.IntegerField()


class AnalyticsRulePrecisionSerializer(serializers.Serializer):
    name = serializers.CharField()
    category = serializers.CharField()
    flagged = serializers.IntegerField()
    decided = serializers.IntegerField()
    violations = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class AnalyticsModerationSerializer(serializers.Serializer):
    period = AnalyticsWindowSerializer()
    current = AnalyticsModerationTotalsSerializer()
    previous = AnalyticsModerationTotalsSerializer()
    overdue_now = serializers.IntegerField()
    rules = AnalyticsRulePrecisionSerializer(many=True, help_text="Each rule's precision over the last 90 days.")
