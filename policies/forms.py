"""Forms parse and keep what people typed; the rules live in services."""

from django import forms
from django.contrib.auth import get_user_model

from advocacy.tenancy.models import Membership, Team

from .models import PolicyKind, PolicyQuestion, PolicyReview, PolicyVersion
from .services.reviews import NOTES_REQUIRED


class PolicyForm(forms.Form):
    title = forms.CharField(max_length=160)
    kind = forms.ChoiceField(choices=PolicyKind.choices)
    summary = forms.CharField(
        max_length=280, required=False, help_text="One sentence employees see in the list of policies."
    )
    owner = forms.ModelChoiceField(queryset=None, required=False, help_text="Reminded when a review is due.")
    audience_all = forms.TypedChoiceField(
        choices=[("1", "Everyone in the organization"), ("0", "Only the teams below")],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
        label="Audience",
    )
    teams = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    refresh_months = forms.IntegerField(
        min_value=1,
        max_value=60,
        required=False,
        label="Periodic refresh (months)",
        help_text="Leave empty to ask once; otherwise people acknowledge again after this many months.",
    )
    review_months = forms.IntegerField(
        min_value=1,
        max_value=60,
        required=False,
        label="Review every (months)",
        help_text="Leave empty for the organization's default (Policy settings).",
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.filter(organization=organization).order_by("name")
        staff = Membership.objects.filter(organization=organization, is_active=True, roles__overlap=["hr", "admin"])
        self.fields["owner"].queryset = (
            get_user_model().objects.filter(pk__in=staff.values("user_id")).order_by("full_name", "email")
        )
        self.fields["owner"].label_from_instance = lambda u: u.full_name or u.email


class PolicySettingsForm(PolicyForm):
    review_due_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Next review date"
    )


class DraftForm(forms.Form):
    title = forms.CharField(max_length=160)
    body_markdown = forms.CharField(
        required=False,
        label="Policy text",
        widget=forms.Textarea(attrs={"rows": 26, "class": "editor-input", "spellcheck": "true"}),
    )
    change_summary = forms.CharField(
        max_length=280, required=False, label="What changed", help_text="Shown to employees with the new version."
    )
    quiz_source = forms.CharField(
        required=False,
        label="Quiz",
        widget=forms.Textarea(attrs={"rows": 8, "class": "mono"}),
        help_text="“Q:” starts a question; “-” is a wrong choice and “*” the right one.",
    )
    pass_mark = forms.IntegerField(min_value=1, max_value=100, required=False, label="Pass mark (%)")


class PublishForm(forms.Form):
    change_kind = forms.ChoiceField(
        choices=PolicyVersion.ChangeKind.choices, widget=forms.RadioSelect, label="Kind of change"
    )
    due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Acknowledge by")
    review_due_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Next review",
        help_text="Defaults to 12 months from today.",
    )


class SubmitReviewForm(forms.Form):
    reviewer = forms.ModelChoiceField(queryset=None, empty_label="Choose a reviewer")
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Note for the reviewer")

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda u: u.full_name or u.email


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("changes", "Request changes")])
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Comment")


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(choices=PolicyQuestion.Kind.choices, initial="question", widget=forms.RadioSelect)
    body = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), label="Your question or feedback")
    anonymous = forms.BooleanField(
        required=False,
        label="Ask anonymously",
        help_text="HR will not see who asked. You get a private code to read the answer.",
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))
    publish_faq = forms.BooleanField(required=False, label="Publish in the policy's FAQ")
    faq_question = forms.CharField(
        max_length=300,
        required=False,
        label="Question as shown in the FAQ",
        help_text="Rephrase to remove anything personal. Defaults to the question as asked.",
    )


class FollowupForm(forms.Form):
    code = forms.CharField(max_length=64, label="Your private code")


class SettingsForm(forms.Form):
    require_ack_to_share = forms.BooleanField(
        required=False,
        label="Require the social-media policy before sharing",
        help_text="Members must acknowledge the current social-media policy before they can share content.",
    )
    require_review = forms.BooleanField(
        required=False,
        label="Require an approval before publishing",
        help_text="Another HR member or an admin who did not write the draft approves it before it is published. "
        "Turn it off when nobody else can review; the change is recorded in the audit log.",
    )
    reminder_days = forms.IntegerField(
        min_value=0,
        max_value=90,
        label="Remind pending people every (days)",
        help_text="0 turns scheduled reminders off. Overdue reminders are always sent once.",
    )
    review_months = forms.IntegerField(
        min_value=1,
        max_value=60,
        required=False,
        label="Review policies every (months)",
        help_text="The default for policies without an interval of their own (empty: a year).",
    )
    onboarding_steps = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="New members' onboarding checklist",
        help_text="Shown on a new member's home page for their first 60 days, until every step is done.",
    )

    def __init__(self, *args, **kwargs):
        from .selectors.onboarding import STEPS

        super().__init__(*args, **kwargs)
        self.fields["onboarding_steps"].choices = list(STEPS.items())


class PolicyReviewForm(forms.Form):
    """HR records a policy's periodic review. Fields are parsed here; what makes a review valid (notes, a next
    date in the future) is the service's rule, which the page also asks when this form fails, so every problem
    shows at once."""

    notes = forms.CharField(
        label="Review notes",
        error_messages={"required": NOTES_REQUIRED},
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you checked (laws, networks, incidents, questions asked) and what you found.",
    )
    outcome = forms.ChoiceField(
        choices=PolicyReview.Outcome.choices,
        initial=PolicyReview.Outcome.NO_CHANGE,
        widget=forms.RadioSelect,
        label="Outcome",
        error_messages={
            "required": "Say whether the policy is still right or needs a new version.",
            "invalid_choice": "Say whether the policy is still right or needs a new version.",
        },
    )
    next_review_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Next review",
        help_text="Defaults to a year from today.",
        error_messages={"invalid": "Enter the next review date as a date, for example 2027-06-30."},
    )


class FeedbackRoundForm(forms.Form):
    """HR opens a feedback round before a review. Parsed here; the rules (a prompt, a closing date after today
    and within 90 days) are the service's, asked too when this form fails, so every problem shows at once."""

    prompt = forms.CharField(
        label="Question to the policy's audience",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="People answer with a rating from 1 to 5 and an optional comment.",
    )
    closes_on = forms.DateField(
        label="Closes on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Answers are taken until the end of this day.",
        error_messages={"invalid": "Enter the closing date as a date, for example 2027-01-15."},
    )


RATING_CHOICES = [
    (1, "1 · Not at all"),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, "5 · Fully"),
]


class FeedbackAnswerForm(forms.Form):
    """A member's anonymous answer to a feedback round."""

    rating = forms.TypedChoiceField(
        label="Your rating",
        choices=RATING_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a rating from 1 (not at all) to 5 (fully)."},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anonymous: HR sees comments without names, and only once five people have answered.",
    )
