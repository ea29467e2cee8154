"""Forms of the incident pages: the plan editor (the plan and four formsets, every error shown at once), the
webhook, declaring an incident, notes, responders and the post-incident review."""

from django import forms
from django.contrib.auth import get_user_model
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from .models import Incident, ResponsePlan, Severity


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.display_name} ({user.email})"


def member_field(organization, **kwargs) -> MemberChoiceField:
    users = (
        get_user_model()
        .objects.filter(memberships__organization=organization, memberships__is_active=True)
        .order_by("full_name", "email")
    )
    return MemberChoiceField(queryset=users, **kwargs)


class OrganizationForm(forms.Form):
    """A form whose member fields list the organization's active members."""

    member_fields: tuple[tuple[str, bool, str], ...] = ()  # (name, required, label)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        for name, required, label in self.member_fields:
            self.fields[name] = member_field(organization, required=required, label=label)
            self.order_fields(self.field_order or list(self.fields))


class PlanForm(OrganizationForm):
    member_fields = (("owner", False, _("Owner")),)
    field_order = ("owner", "protocol", "summary")
    protocol = forms.CharField(
        label=_("Communication protocol"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown. Who speaks for the organization, through which channels, and what is never said."),
    )
    summary = forms.CharField(
        label=_("What changed"), required=False, max_length=300, help_text=_("Kept with this version of the plan.")
    )


class RoleForm(OrganizationForm):
    member_fields = (("responder", True, _("Responder")), ("deputy", False, _("Deputy")))
    field_order = ("name", "responder", "deputy", "duties")
    name = forms.CharField(label=_("Role"), max_length=120)
    duties = forms.CharField(label=_("Duties"), required=False, max_length=500)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    role = forms.CharField(label=_("Role"), max_length=150, help_text=_("e.g. Legal counsel, press agency"))
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("email") or data.get("phone")):
            raise forms.ValidationError(_("Give an email address or a phone number to reach them."))
        return data


class StatementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    text = forms.CharField(label=_("Statement"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class StepForm(forms.Form):
    text = forms.CharField(label=_("Step"), max_length=300)


class RoleFormSetBase(forms.BaseFormSet):
    def __init__(self, *args, organization, **kwargs):
        self.organization = organization
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "organization": self.organization}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            organization=self.organization,
        )
        self.add_fields(form, None)
        return form

    def clean(self):
        for form in self.forms:
            if form.cleaned_data and not form.cleaned_data.get("DELETE"):
                responder, deputy = form.cleaned_data.get("responder"), form.cleaned_data.get("deputy")
                if responder and deputy and responder == deputy:
                    form.add_error("deputy", _("The deputy must be someone other than the responder."))


RoleFormSet = formset_factory(RoleForm, formset=RoleFormSetBase, extra=1, can_delete=True, max_num=50)
ContactFormSet = formset_factory(ContactForm, extra=1, can_delete=True, max_num=50)
StatementFormSet = formset_factory(StatementForm, extra=1, can_delete=True, max_num=50)
StepFormSet = formset_factory(StepForm, extra=2, can_delete=True, max_num=50)


class WebhookForm(forms.Form):
    webhook_url = forms.URLField(
        label=_("Webhook address"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "An incoming-webhook address of Slack, Microsoft Teams or another chat (https). Leave empty for none."
        ),
    )
    webhook_format = forms.ChoiceField(label=_("Message format"), choices=ResponsePlan.WebhookFormat.choices)
    webhook_secret = forms.CharField(
        label=_("Signing secret"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Each message carries X-Advocacy-Signature: sha256=HMAC of the body with this secret. "
            "Leave empty to keep the current one."
        ),
    )


class DeclareForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.HIGH)
    summary = forms.CharField(
        label=_("What is happening"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    item = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ResponderForm(OrganizationForm):
    member_fields = (("user", True, _("Member")),)
    field_order = ("user", "role")
    role = forms.CharField(label=_("Role"), required=False, max_length=120)


class ReviewForm(forms.Form):
    what_happened = forms.CharField(
        label=_("What happened"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    what_worked = forms.CharField(
        label=_("What worked"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    what_to_change = forms.CharField(
        label=_("What to change"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_ups = forms.CharField(
        label=_("Follow-ups"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: what, who, by when."),
    )


TRANSITION_CHOICES = [(name, name) for name in ("contain", "resolve", "reopen", "complete_review")]
STATE_BUTTONS = {
    Incident.State.OPEN: (("contain", _("Mark contained")), ("resolve", _("Mark resolved"))),
    Incident.State.CONTAINED: (("resolve", _("Mark resolved")), ("reopen", _("Reopen"))),
    Incident.State.RESOLVED: (("complete_review", _("Complete the review")), ("reopen", _("Reopen"))),
    Incident.State.REVIEWED: (),
}
