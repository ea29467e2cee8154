"""Forms of training: they parse and keep what people typed; the rules live in the services."""

from zoneinfo import available_timezones

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from advocacy.tenancy.models import Membership, Team

from .models import Course

LESSONS_HELP = _(
    "Each lesson starts with a line “# Its title”. Title a lesson “# Case study: …” for a case study (what "
    "happened, what it cost, what to do instead). Inside a lesson, Markdown: **bold**, lists, links, “##” headings."
)
QUIZ_HELP = _(
    "Scenario questions: “Q:” starts a question (“Would you post this?”), “-” a wrong answer, “*” the right one, "
    "and an optional “Why:” line the reason, shown after an attempt."
)


class CourseForm(forms.Form):
    title = forms.CharField(max_length=160, label=_("Title"))
    summary = forms.CharField(
        max_length=280, required=False, label=_("Summary"), help_text=_("One sentence people see in the list.")
    )
    recur_months = forms.IntegerField(
        min_value=1,
        max_value=60,
        required=False,
        label=_("Refresher every (months)"),
        help_text=_("Leave empty for a one-off course; otherwise it assigns itself again when a completion expires."),
    )
    assign_new_members = forms.BooleanField(
        required=False,
        label=_("Assign to new members"),
        help_text=_("A step of their onboarding checklist."),
    )
    new_member_due_days = forms.IntegerField(
        min_value=1, max_value=180, initial=14, label=_("New members complete it within (days)")
    )
    required_to_share = forms.BooleanField(
        required=False,
        label=_("Required before sharing"),
        help_text=_("Members complete it before they can share content (one course at a time)."),
    )


class CourseContentForm(forms.Form):
    lessons_markdown = forms.CharField(
        required=False,
        label=_("Lessons"),
        help_text=LESSONS_HELP,
        widget=forms.Textarea(attrs={"rows": 18, "class": "mono", "spellcheck": "true"}),
    )
    quiz_source = forms.CharField(
        required=False,
        label=_("Scenario questions"),
        help_text=QUIZ_HELP,
        widget=forms.Textarea(attrs={"rows": 10, "class": "mono"}),
    )
    pass_mark = forms.IntegerField(min_value=1, max_value=100, required=False, label=_("Pass mark (%)"))
    change_summary = forms.CharField(max_length=280, required=False, label=_("What changed"))


class NewCourseForm(CourseForm, CourseContentForm):
    pass


def _member_choices(organization):
    users = get_user_model().objects.filter(
        pk__in=Membership.objects.filter(organization=organization, is_active=True).values("user_id")
    )
    return users.order_by("full_name", "email")


class AssignForm(forms.Form):
    WHO = [("everyone", _("Everyone")), ("team", _("A team")), ("person", _("One person"))]
    who = forms.ChoiceField(choices=WHO, initial="everyone", widget=forms.RadioSelect, label=_("Assign to"))
    team = forms.ModelChoiceField(queryset=None, required=False, label=_("Team"))
    person = forms.ModelChoiceField(queryset=None, required=False, label=_("Person"))
    due_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=_("Due on"))
    reason = forms.CharField(max_length=280, required=False, label=_("Note to the people assigned"))

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organization=organization).order_by("name")
        self.fields["person"].queryset = _member_choices(organization)
        self.fields["person"].label_from_instance = lambda u: f"{u.full_name or u.email} · {u.email}"

    def clean(self):
        data = super().clean()
        who = data.get("who")
        if who == "team" and not data.get("team"):
            self.add_error("team", _("Choose the team."))
        if who == "person" and not data.get("person"):
            self.add_error("person", _("Choose the person."))
        return data


class RemindForm(forms.Form):
    team = forms.ModelChoiceField(queryset=None, required=False, empty_label=_("Everyone not done"))

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organization=organization).order_by("name")


def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(available_timezones()) if "/" in name or name == "UTC"]


class WorkshopForm(forms.Form):
    title = forms.CharField(max_length=160, label=_("Title"))
    description = forms.CharField(required=False, label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    time_zone = forms.ChoiceField(choices=time_zone_choices, label=_("Time zone"))
    duration_minutes = forms.IntegerField(min_value=15, max_value=480, initial=60, label=_("Duration (minutes)"))
    location = forms.CharField(max_length=200, required=False, label=_("Place"))
    video_url = forms.URLField(max_length=400, required=False, label=_("Video link"), assume_scheme="https")
    capacity = forms.IntegerField(
        min_value=1, max_value=10_000, required=False, label=_("Capacity"), help_text=_("Empty: no limit.")
    )
    course = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Counts as completing"),
        help_text=_("Attendance recorded by HR completes this course."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(
            organization=organization, status=Course.Status.ACTIVE, current_version__isnull=False
        ).order_by("title")

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        return value.replace(tzinfo=None) if value else value  # wall-clock time in the chosen zone


class CheckInForm(forms.Form):
    title = forms.CharField(max_length=160, label=_("Title"))
    questions = forms.CharField(
        label=_("Questions"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One question a line, at most five. End a line with “[text]” for a free-text answer; "
            "the others are answered on a scale from 1 to 5."
        ),
    )
    team = forms.ModelChoiceField(queryset=None, required=False, empty_label=_("Everyone"), label=_("Asked to"))
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=_("First round on"))
    repeat_days = forms.IntegerField(
        min_value=7, max_value=365, required=False, label=_("Repeat every (days)"), help_text=_("Empty: once.")
    )
    open_days = forms.IntegerField(min_value=1, max_value=30, initial=7, label=_("Each round is open (days)"))

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organization=organization).order_by("name")
