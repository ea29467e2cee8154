"""Forms of the organization admin pages. Every choice of team is limited to the organization's own
teams, so an id from another organization is an invalid choice with a clear message."""

from django import forms
from django.core.exceptions import ValidationError

from advocacy.permissions import Role

from . import roster
from .models import Team

FOREIGN_TEAM = "That team does not belong to this organization."
ROLE_HELP = {
    Role.EMPLOYEE: "Shares content, earns points",
    Role.HR: "Policies and acknowledgements; can view members",
    Role.MODERATOR: "Reviews flagged posts",
    Role.ADMIN: "Manages people, teams and settings",
}


class TeamChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": FOREIGN_TEAM}

    def label_from_instance(self, obj):
        return obj.name


def _org_teams(organization):
    return Team.objects.filter(organization=organization).order_by("name")


def _roles_field(**kwargs):
    return forms.MultipleChoiceField(
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role."},
        **kwargs,
    )


class MemberFilterForm(forms.Form):
    STATUS_CHOICES = [("active", "Active"), ("deactivated", "Deactivated"), ("all", "All")]

    q = forms.CharField(required=False, max_length=100, label="Search")
    role = forms.ChoiceField(required=False, choices=[("", "All roles"), *Role.choices])
    team = forms.CharField(required=False)
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, organization, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.teams = teams
        self.fields["q"].widget.attrs.update(
            {"placeholder": "Search by name or email", "type": "search", "autocomplete": "off"}
        )
        self.fields["team"].widget = forms.Select(
            choices=[("", "All teams"), ("none", "No team")] + [(str(t.pk), t.name) for t in teams]
        )

    def clean_team(self):
        value = (self.cleaned_data.get("team") or "").strip()
        if value in ("", "none"):
            return value
        if value not in {str(t.pk) for t in self.teams}:
            raise ValidationError(FOREIGN_TEAM)
        return value

    def filters(self) -> dict:
        """Selector arguments; an invalid field falls back to no filter on that field."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        team = data.get("team", "")
        return {
            "search": data.get("q", ""),
            "role": data.get("role", ""),
            "team_id": int(team) if team and team != "none" else None,
            "no_team": team == "none",
            "status": data.get("status") or "active",
        }


class MembershipForm(forms.Form):
    roles = _roles_field()
    team = TeamChoiceField(queryset=None, required=False, empty_label="No team")
    title = forms.CharField(required=False, max_length=120, label="Job title")

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = _org_teams(organization)


class TeamForm(forms.Form):
    name = forms.CharField(max_length=80)
    description = forms.CharField(max_length=240, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InvitationForm(forms.Form):
    email = forms.EmailField(max_length=254)
    full_name = forms.CharField(max_length=150, required=False, label="Name")
    roles = _roles_field(initial=[Role.EMPLOYEE])
    team = TeamChoiceField(queryset=None, required=False, empty_label="No team")

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = _org_teams(organization)
        self.fields["email"].widget.attrs.update({"placeholder": "name@company.com", "autocomplete": "off"})
        self.fields["full_name"].widget.attrs.update({"placeholder": "Optional"})


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="Roster file",
        help_text="A .csv file up to 5 MB and 10,000 rows, UTF-8, with a header row: name, email, team, roles.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        self.text, self.rows = roster.read_upload(uploaded)
        return uploaded


class OrganizationSettingsForm(forms.Form):
    name = forms.CharField(max_length=120, label="Organization name")
    require_mfa_for_staff = forms.BooleanField(
        required=False,
        label="Require two-factor authentication for admins, HR and moderators",
        help_text="People in these roles must set up an authenticator app before they can open the organization.",
    )
