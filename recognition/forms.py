"""The admin's recognition settings: points per reason, the daily cap, whether the leaderboards show."""

from django import forms
from django.utils.translation import gettext_lazy as _

from advocacy.permissions import Role

from .models import EARNING_REASONS
from .services import MAX_CLICKS, MAX_DAILY_CAP, MAX_POINTS


class SettingsForm(forms.Form):
    leaderboards_enabled = forms.BooleanField(
        required=False,
        label=_("Show the leaderboards"),
        help_text=_("Off: nobody sees the boards; points are still counted and each member sees their own."),
    )
    daily_cap = forms.IntegerField(
        min_value=0,
        max_value=MAX_DAILY_CAP,
        label=_("Most points a member earns in one day"),
        help_text=_("Points past it that day are recorded as 0, so nothing is gained by sharing in bulk."),
    )

    clicks_per_share_per_day = forms.IntegerField(
        min_value=0,
        max_value=MAX_CLICKS,
        label=_("Clicks counted per share and day"),
        help_text=_("Unique clicks by people (never bots or link previews) past this number earn nothing more."),
    )
    excluded_roles = forms.MultipleChoiceField(
        required=False,
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("Leave these roles off the boards"),
        help_text=_("Members with any of these roles still earn points and see their own, but are not ranked."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for reason in EARNING_REASONS:
            self.fields[f"points_{reason.value}"] = forms.IntegerField(
                min_value=0, max_value=MAX_POINTS, label=reason.label, help_text=_("Points, from 0 to 1000.")
            )

    def reason_points(self) -> dict[str, int]:
        return {reason.value: self.cleaned_data[f"points_{reason.value}"] for reason in EARNING_REASONS}
