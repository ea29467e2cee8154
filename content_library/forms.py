"""Forms parse and keep what the person typed; the services decide. Choices are limited to the
organization's own objects, so foreign ids never validate."""

from django import forms

from advocacy.tenancy.models import Team

from .models import Campaign, ContentItem, Hashtag, Topic
from .networks import RULES, Network
from .validation import counting_rule

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def caption_field(network: str) -> forms.CharField:
    rule = RULES[network]
    return forms.CharField(
        label=f"{Network(network).label} caption",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-network": network}),
        help_text=f"Up to {rule.limit:,} {rule.unit}" + (", links count as 23" if rule.urls_as else "") + ".",
    )


class OrgForm(forms.Form):
    def __init__(self, *args, organization, **kwargs):
        self.organization = organization
        super().__init__(*args, **kwargs)


class ContentForm(OrgForm):
    kind = forms.ChoiceField(choices=ContentItem.Kind.choices, initial=ContentItem.Kind.LINK, widget=forms.RadioSelect)
    url = forms.CharField(
        label="Link", required=False, max_length=1000, widget=forms.URLInput(attrs={"placeholder": "https://"})
    )
    title = forms.CharField(max_length=200)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    image = forms.ImageField(required=False, help_text="JPEG, PNG, GIF or WebP; up to 5 MB.")
    image_url = forms.CharField(label="Preview image address", required=False, max_length=1000)
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none(), required=False, empty_label="No campaign")
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    hashtags = forms.ModelMultipleChoiceField(
        queryset=Hashtag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    teams = forms.ModelMultipleChoiceField(
        label="Audience",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for everyone.",
    )
    publish_at = forms.DateTimeField(label="Publish at", required=False, widget=DATETIME)
    expires_at = forms.DateTimeField(label="Expires at", required=False, widget=DATETIME)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        org = self.organization
        self.fields["campaign"].queryset = Campaign.objects.filter(organization=org).order_by("name")
        self.fields["topics"].queryset = Topic.objects.filter(organization=org).order_by("name")
        self.fields["hashtags"].queryset = Hashtag.objects.filter(organization=org).order_by("key")
        self.fields["teams"].queryset = Team.objects.filter(organization=org).order_by("name")
        for network in Network.values:
            self.fields[f"caption_{network}"] = caption_field(network)
        self.fields["image"].widget.attrs["accept"] = "image/jpeg,image/png,image/gif,image/webp"

    @property
    def counting_rule(self) -> dict:
        return counting_rule()

    def caption_fields(self):
        return [self[f"caption_{n}"] for n in Network.values]

    def captions(self) -> dict:
        return {n: self.cleaned_data.get(f"caption_{n}", "") for n in Network.values}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "url": data["url"],
            "captions": self.captions(),
            "image": data.get("image") or None,
            "image_url": data["image_url"],
            "topic_ids": [t.pk for t in data["topics"]],
            "hashtag_ids": [h.pk for h in data["hashtags"]],
            "team_ids": [t.pk for t in data["teams"]],
            "campaign_id": data["campaign"].pk if data["campaign"] else None,
            "publish_at": data["publish_at"],
            "expires_at": data["expires_at"],
        }

    @classmethod
    def initial_for(cls, item: ContentItem, pending=None) -> dict:
        source = pending or item
        initial = {
            "kind": item.kind,
            "url": source.url,
            "title": source.title,
            "summary": source.summary,
            "image_url": pending.image_url if pending is not None and pending.image_url is not None else item.image_url,
            "campaign": item.campaign_id,
            "topics": list(item.topics.all()),
            "hashtags": list(item.hashtags.all()),
            "publish_at": item.publish_at,
            "expires_at": item.expires_at,
        }
        for network in Network.values:
            initial[f"caption_{network}"] = (source.captions or {}).get(network, "")
        return initial


class SuggestionForm(OrgForm):
    url = forms.CharField(
        label="Link", required=False, max_length=1000, widget=forms.URLInput(attrs={"placeholder": "https://"})
    )
    image = forms.ImageField(required=False, help_text="Or upload a picture: JPEG, PNG, GIF or WebP, up to 5 MB.")
    title = forms.CharField(max_length=200, help_text="What is it? A short headline.")
    summary = forms.CharField(
        label="Why is it worth sharing?", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    caption = forms.CharField(
        label="Suggested caption", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )


class CampaignForm(OrgForm):
    name = forms.CharField(max_length=120)
    goal = forms.CharField(max_length=240, required=False, help_text="One sentence: what should this campaign achieve?")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    starts_on = forms.DateField(required=False, widget=DATE)
    ends_on = forms.DateField(required=False, widget=DATE)
    share_goal = forms.IntegerField(label="Share goal", min_value=0, required=False, initial=0)
    hashtags = forms.ModelMultipleChoiceField(
        queryset=Hashtag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    teams = forms.ModelMultipleChoiceField(
        label="Target teams",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for everyone.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hashtags"].queryset = Hashtag.objects.filter(organization=self.organization).order_by(
            "-is_campaign", "key"
        )
        self.fields["teams"].queryset = Team.objects.filter(organization=self.organization).order_by("name")

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "goal": d["goal"],
            "description": d["description"],
            "starts_on": d["starts_on"],
            "ends_on": d["ends_on"],
            "share_goal": d["share_goal"] or 0,
            "hashtag_ids": [h.pk for h in d["hashtags"]],
            "team_ids": [t.pk for t in d["teams"]],
        }

    @classmethod
    def initial_for(cls, campaign: Campaign, *, hashtags, team_ids) -> dict:
        return {
            "name": campaign.name,
            "goal": campaign.goal,
            "description": campaign.description,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "share_goal": campaign.share_goal,
            "hashtags": list(hashtags),
            "teams": list(team_ids),
        }


class HashtagForm(forms.Form):
    name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"placeholder": "#AcmeLaunch"}))
    description = forms.CharField(max_length=240, required=False)
    is_campaign = forms.BooleanField(label="Campaign hashtag", required=False)


class TopicForm(forms.Form):
    name = forms.CharField(max_length=60)


class ShareForm(forms.Form):
    network = forms.ChoiceField(choices=Network.choices)
    caption = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=63206)


class RejectForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class SettingsForm(forms.Form):
    daily_share_cap = forms.IntegerField(min_value=0, help_text="0 = no limit.")
    sharing_start = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    sharing_end = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    timezone = forms.CharField(max_length=64, help_text="For example Europe/Berlin or America/New_York.")
    networks_enabled = forms.MultipleChoiceField(
        label="Networks", choices=Network.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    moderators_may_approve = forms.BooleanField(required=False, label="Moderators may approve suggestions")


class PreferenceForm(forms.Form):
    weekly_digest = forms.BooleanField(required=False, label="Send me the weekly digest of new content")
    mastodon_instance = forms.CharField(
        required=False,
        max_length=253,
        label="My Mastodon server",
        widget=forms.TextInput(attrs={"placeholder": "mastodon.social"}),
    )
