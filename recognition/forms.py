"""The admin's recognition settings: points per reason, the daily cap, whether the leaderboards show."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Reason
from .services import MAX_DAILY_CAP, MAX_POINTS


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for reason in Reason:
            self.fields[f"points_{reason.value}"] = forms.IntegerField(
                min_value=0, max_value=MAX_POINTS, label=reason.label, help_text=_("Points, from 0 to 1000.")
            )

    def reason_points(self) -> dict[str, int]:
        return {reason.value: self.cleaned_data[f"points_{reason.value}"] for reason in Reason}
