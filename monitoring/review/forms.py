"""Forms of the review queue's pages. They parse what was typed; the services validate (every error at once,
by field) and the views put the services' errors back on the forms, with what was typed kept."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Consequence, Report, ReviewItem
from .services import ConsequenceInput


class DecideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Decision"), choices=ReviewItem.Outcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("Statement of reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The member reads this. Say what in the post breaks which part of the policy."),
    )
    policy = forms.TypedChoiceField(label=_("Policy"), required=False, coerce=int, empty_value=None)
    policy_section = forms.CharField(label=_("Section"), max_length=200, required=False)
    coaching = forms.BooleanField(label=_("Coaching note"), required=False)
    coaching_note = forms.CharField(
        label=_("Coaching note for the member"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    task = forms.ChoiceField(
        label=_("Ask the member to"),
        required=False,
        choices=[
            ("", _("Nothing")),
            (Consequence.Kind.EDIT_REQUEST, _("Edit the post")),
            (Consequence.Kind.DELETE_REQUEST, _("Delete the post")),
        ],
    )
    task_days = forms.IntegerField(label=_("Days to do it"), required=False, min_value=1, max_value=30, initial=3)
    warning = forms.BooleanField(label=_("Warning (a strike on their record)"), required=False)
    suspension = forms.BooleanField(label=_("Suspend sharing"), required=False)
    suspension_days = forms.IntegerField(label=_("Days"), required=False, min_value=1, max_value=365, initial=7)
    training = forms.BooleanField(label=_("Assign a training course"), required=False)
    course = forms.TypedChoiceField(label=_("Course"), required=False, coerce=int, empty_value=None)
    hr_referral = forms.BooleanField(label=_("Refer to HR"), required=False)

    def __init__(self, *args, policies=(), courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].choices = [("", _("Choose a policy")), *((p.pk, p.title) for p in policies)]
        self.fields["course"].choices = [("", _("Choose a course")), *((c.pk, c.title) for c in courses)]

    def consequences(self) -> list[ConsequenceInput]:
        data = self.cleaned_data
        out = []
        if data.get("coaching"):
            out.append(ConsequenceInput(Consequence.Kind.COACHING, note=data.get("coaching_note") or ""))
        if data.get("task"):
            out.append(ConsequenceInput(data["task"], days=data.get("task_days") or None))
        if data.get("warning"):
            out.append(ConsequenceInput(Consequence.Kind.WARNING))
        if data.get("suspension"):
            out.append(ConsequenceInput(Consequence.Kind.SUSPENSION, days=data.get("suspension_days")))
        if data.get("training"):
            out.append(ConsequenceInput(Consequence.Kind.TRAINING, course_id=data.get("course")))
        if data.get("hr_referral"):
            out.append(ConsequenceInput(Consequence.Kind.HR_REFERRAL))
        return out


class EscalateForm(forms.Form):
    to = forms.ChoiceField(label=_("Escalate to"), choices=ReviewItem.EscalatedTo.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note for moderators"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.Form):
    url = forms.CharField(
        label=_("Link to the post"),
        required=False,
        max_length=1000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    share = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(
        label=_("What is wrong"), choices=[("", _("Choose…")), *Report.Category.choices], required=False
    )
    description = forms.CharField(label=_("Describe it"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    anonymous = forms.BooleanField(
        label=_("Report anonymously"),
        required=False,
        help_text=_("Moderators will not see who reported. You still see the outcome on your record page."),
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why should the decision change?"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class AppealDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("uphold", _("Uphold")), ("overturn", _("Overturn"))], widget=forms.RadioSelect
    )
    response = forms.CharField(
        label=_("Answer to the member"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SettingsForm(forms.Form):
    critical_hours = forms.IntegerField(label=_("Critical (hours)"))
    high_hours = forms.IntegerField(label=_("High (hours)"))
    medium_hours = forms.IntegerField(label=_("Medium (hours)"))
    low_hours = forms.IntegerField(label=_("Low (hours)"))
    claim_minutes = forms.IntegerField(label=_("A claim expires after (minutes without activity)"))
    precision_threshold = forms.IntegerField(label=_("Highlight rules whose flags are violations less than (%)"))
    legal_contact_name = forms.CharField(label=_("Legal contact"), required=False, max_length=120)
    legal_contact_email = forms.CharField(label=_("Legal contact's email"), required=False, max_length=254)
