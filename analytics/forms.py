"""The dashboard's filters (a GET form: the filtered view has its own address) and the analytics settings."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from advocacy.tenancy.models import Team
from content_library.models import Campaign
from content_library.networks import Network

from .selectors.periods import DEFAULT_PERIOD, MAX_DAYS, PERIODS, Filters, period_dates


class FilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=list(PERIODS.items()), required=False, initial=DEFAULT_PERIOD)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All teams")
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False, empty_label=_("All campaigns")
    )
    network = forms.ChoiceField(label=_("Network"), required=False, choices=[("", _("All networks")), *Network.choices])

    def __init__(self, data, *, organization, today: datetime.date, teams=None, campaigns=None):
        super().__init__(data)
        self.today = today
        # ids from the query string are looked up among this organization's rows only
        self.fields["team"].queryset = teams if teams is not None else Team.objects.filter(organization=organization)
        self.fields["campaign"].queryset = (
            campaigns if campaigns is not None else Campaign.objects.filter(organization=organization)
        )
        self.fields["team"].error_messages["invalid_choice"] = _("That team does not exist in this organization.")
        self.fields["campaign"].error_messages["invalid_choice"] = _(
            "That campaign does not exist in this organization."
        )

    def clean(self):
        data = super().clean()
        period = data.get("period") or DEFAULT_PERIOD
        data["period"] = period
        if period != "custom":
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", _("Choose the first day of the custom period."))
        if end is None and "end" not in self.errors:
            self.add_error("end", _("Choose the last day of the custom period."))
        if start and end:
            if end > self.today:
                self.add_error("end", _("The period cannot end after today."))
            if start > end:
                self.add_error("start", _("The first day must be on or before the last day."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("start", _("A period is at most %(days)s days long.") % {"days": MAX_DAYS})
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        period = data["period"]
        start, end = (data["start"], data["end"]) if period == "custom" else period_dates(period, self.today)
        return Filters(
            start=start,
            end=end,
            period=period,
            team_id=data["team"].pk if data.get("team") else None,
            campaign_id=data["campaign"].pk if data.get("campaign") else None,
            network=data.get("network") or "",
        )


class SettingsForm(forms.Form):
    cpm = forms.DecimalField(
        label=_("Cost per 1,000 impressions (CPM)"),
        max_digits=8,
        decimal_places=2,
        min_value=0,
        help_text=_("What 1,000 impressions would cost as paid media; reach is priced at this."),
        error_messages={"min_value": _("Enter zero or more.")},
    )
    cpc = forms.DecimalField(
        label=_("Cost per click (CPC)"),
        max_digits=8,
        decimal_places=2,
        min_value=0,
        help_text=_("What one click would cost as paid media; human clicks are priced at this."),
        error_messages={"min_value": _("Enter zero or more.")},
    )
    currency = forms.CharField(
        label=_("Currency"), max_length=12, help_text=_("Three-letter code, e.g. USD, EUR, GBP.")
    )

    def clean_currency(self):
        value = (self.cleaned_data.get("currency") or "").strip().upper()
        if len(value) != 3 or not value.isalpha():
            raise forms.ValidationError(_("Enter a three-letter currency code, e.g. USD."))
        return value
