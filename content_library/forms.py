"""Forms parse and keep what the person typed; the services decide. Choices are limited to the
organization's own objects, so foreign ids never validate."""

from django import forms
from django.core.exceptions import ValidationError

from advocacy.tenancy.models import Team

from . import uploads
from .models import Campaign, ContentItem, Hashtag, Topic
from .networks import RULES, Network
from .validation import check_image, counting_rule

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

    def value(self, name, empty=""):
        """A field's parsed value, else what was typed (text fields) or `empty`: with these the services
        check every other rule too, so the page shows every field's error at once."""
        if name in self.cleaned_data:
            return self.cleaned_data[name]
        if isinstance(self.fields[name], forms.CharField) and self.data.get(name) is not None:
            return self.data.get(name, "")
        return empty


class KeepsImage(OrgForm):
    """A form with a picture that survives a failed try: a valid file the member chose is kept aside
    (uploads.py) when the page comes back with errors, shown as chosen, and used unless they pick
    another or remove it."""

    image_kept = forms.CharField(required=False, widget=forms.HiddenInput)
    image_discard = forms.BooleanField(label="Remove this picture", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].widget.attrs["accept"] = "image/jpeg,image/png,image/gif,image/webp"
        self.user = user
        self.kept = None
        if self.is_bound and user is not None:
            self.kept = uploads.resolve(self.data.get("image_kept", ""), organization=self.organization, user=user)

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload:
            try:
                check_image(upload)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["image"]) from None
        return upload or None

    def clean(self):
        data = super().clean()
        if not data.get("image") and "image" not in self.errors and self.kept and not data.get("image_discard"):
            data["image"] = self.kept.open()
        return data

    def keep_image(self) -> None:
        """The page comes back with errors: keep a valid new picture aside (or drop the kept one on
        request) and point the form at what is kept."""
        upload = self.files.get("image")
        if upload and "image" not in self.errors:
            uploads.discard(self.kept)
            self.kept = uploads.keep(upload, organization=self.organization, user=self.user)
        elif self.data.get("image_discard") and not upload:
            uploads.discard(self.kept)
            self.kept = None
        data = self.data.copy()
        data["image_kept"] = self.kept.token if self.kept else ""
        data.pop("image_discard", None)
        self.data = data

    def saved(self) -> None:
        """The form went through: the service stored its own copy, the kept one goes."""
        image = self.cleaned_data.get("image")
        if image is not None and "image" not in self.files:
            image.close()  # the kept file, opened for the service
        uploads.discard(self.kept)
        self.kept = None


class ContentForm(KeepsImage):
    kind = forms.ChoiceField(choices=ContentItem.Kind.choices, initial=ContentItem.Kind.LINK, widget=forms.RadioSelect)
    url = forms.CharField(
        label="Link", required=False, max_length=1000, widget=forms.URLInput(attrs={"placeholder": "https://"})
    )
    title = forms.CharField(max_length=200)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    image = forms.FileField(required=False, help_text="JPEG, PNG, GIF or WebP; up to 5 MB.")
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

    @property
    def counting_rule(self) -> dict:
        return counting_rule()

    def caption_fields(self):
        return [self[f"caption_{n}"] for n in Network.values]

    def captions(self) -> dict:
        return {n: self.value(f"caption_{n}") for n in Network.values}

    def service_kwargs(self) -> dict:
        """The service's arguments (for a form with errors, what parsed: see OrgForm.value)."""
        campaign = self.value("campaign", None)
        return {
            "title": self.value("title"),
            "summary": self.value("summary"),
            "url": self.value("url"),
            "captions": self.captions(),
            "image": self.value("image", None) or None,
            "image_url": self.value("image_url"),
            "topic_ids": [t.pk for t in self.value("topics", [])],
            "hashtag_ids": [h.pk for h in self.value("hashtags", [])],
            "team_ids": [t.pk for t in self.value("teams", [])],
            "campaign_id": campaign.pk if campaign else None,
            "publish_at": self.value("publish_at", None),
            "expires_at": self.value("expires_at", None),
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


class SuggestionForm(KeepsImage):
    url = forms.CharField(
        label="Link", required=False, max_length=1000, widget=forms.URLInput(attrs={"placeholder": "https://"})
    )
    image = forms.FileField(required=False, help_text="Or upload a picture: JPEG, PNG, GIF or WebP, up to 5 MB.")
    title = forms.CharField(max_length=200, help_text="What is it? A short headline.")
    summary = forms.CharField(
        label="Why is it worth sharing?", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    caption = forms.CharField(
        label="Suggested caption", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )

    def service_kwargs(self) -> dict:
        """The service's arguments (for a form with errors, what parsed: see OrgForm.value)."""
        return {
            "url": self.value("url"),
            "image": self.value("image", None) or None,
            "title": self.value("title"),
            "summary": self.value("summary"),
            "caption": self.value("caption"),
        }


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
