"""Forms of the monitoring pages: a rule, the rules' test box, the organization's monitoring settings. The
services validate (every error at once, by field); the forms parse what was typed and show the errors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Rule
from .services.rules import TEXT_LIMIT


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    kind = forms.ChoiceField(
        label=_("Looks for"),
        choices=Rule.Kind.choices,
        help_text=_(
            "Phrases match whole words in any case, with their word forms (“leak” finds “leaked”, “leaks”). "
            "Competitor names and disclosure tags come from the monitoring settings."
        ),
    )
    pattern = forms.CharField(
        label=_("Terms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text=_(
            "One per line: phrases, hashtags (#layoffs), or domains (pastebin.com). For a regular expression, "
            "the expression (case is ignored). Leave empty for competitor names and missing disclosure."
        ),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Rule.Category.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Rule.Severity.choices, initial=Rule.Severity.MEDIUM)
    sentiment_condition = forms.ChoiceField(
        label=_("Only when the post is"),
        choices=Rule.SentimentCondition.choices,
        initial=Rule.SentimentCondition.ANY,
        help_text=_("“Negative” with competitor names: a negative post that mentions a competitor."),
    )
    policy = forms.TypedChoiceField(label=_("Policy it enforces"), required=False, coerce=int, empty_value=None)
    section = forms.CharField(
        label=_("Section"), max_length=200, required=False, help_text=_("The policy's section, e.g. “Disclosure”.")
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args, policies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.policies = {policy.pk: policy for policy in policies}
        self.fields["policy"].choices = [("", _("No policy")), *((p.pk, p.title) for p in policies)]

    def rule_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["policy"] = self.policies.get(data.get("policy"))
        return data

    @classmethod
    def initial_for(cls, rule: Rule) -> dict:
        return {
            "name": rule.name,
            "kind": rule.kind,
            "pattern": rule.pattern,
            "category": rule.category,
            "severity": rule.severity,
            "sentiment_condition": rule.sentiment_condition,
            "policy": rule.policy_id,
            "section": rule.section,
            "enabled": rule.enabled,
        }


class TestForm(forms.Form):
    text = forms.CharField(
        label=_("Text to test"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Paste a post. Nothing is stored."),
    )
    shares_content = forms.BooleanField(
        label=_("Treat it as an employee post that shares our content"),
        required=False,
        help_text=_("To try the missing-disclosure rule."),
    )


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.replace(",", "\n").splitlines() if line.strip()]


class SettingsForm(forms.Form):
    brand_terms = forms.CharField(
        label=_("Brand terms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Names people use for the organization and its products, one per line. Searched as mentions."),
    )
    hashtags = forms.CharField(
        label=_("Designated hashtags"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hashtags followed on the networks, one per line."),
    )
    competitors = forms.CharField(
        label=_("Competitors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; rules of the kind “Competitor name” match them."),
    )
    disclosure_tags = forms.CharField(
        label=_("Disclosure tags"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("An employee post sharing our content must carry one of these hashtags, e.g. employee, ad."),
    )
    lexicon = forms.CharField(
        label=_("Sentiment lexicon adjustments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_(
            "One word and a score from -4 (very negative) to 4 (very positive) per line, e.g. “bugfest -2.5”. "
            "Posts and mentions are scored again after a change."
        ),
    )
    linkedin_credentials = forms.CharField(
        label=_("LinkedIn API credentials"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Switches LinkedIn on. Stored encrypted and never shown again; leave empty to keep."),
    )
    x_credentials = forms.CharField(
        label=_("X API credentials"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Switches X on. Stored encrypted and never shown again; leave empty to keep."),
    )
    remove_linkedin = forms.BooleanField(label=_("Remove the LinkedIn credentials"), required=False)
    remove_x = forms.BooleanField(label=_("Remove the X credentials"), required=False)

    def clean_lexicon(self) -> dict:
        lexicon, bad = {}, []
        for line in self.cleaned_data["lexicon"].splitlines():
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2:
                bad.append(line.strip())
                continue
            lexicon[parts[0]] = parts[1]
        if bad:
            raise forms.ValidationError(
                _("Write one word and a score per line; check: %(lines)s") % {"lines": "; ".join(bad)}
            )
        return lexicon

    def settings_data(self) -> dict:
        data = {field: _lines(self.cleaned_data[field]) for field in ("brand_terms", "hashtags", "competitors")}
        data["disclosure_tags"] = _lines(self.cleaned_data["disclosure_tags"])
        data["lexicon"] = self.cleaned_data["lexicon"]
        for network in ("linkedin", "x"):
            typed = self.cleaned_data[f"{network}_credentials"].strip()
            if self.cleaned_data[f"remove_{network}"]:
                data[f"{network}_credentials"] = ""
            elif typed:
                data[f"{network}_credentials"] = typed
        return data

    @classmethod
    def initial_for(cls, settings) -> dict:
        return {
            "brand_terms": "\n".join(settings.brand_terms),
            "hashtags": "\n".join(f"#{t}" for t in settings.hashtags),
            "competitors": "\n".join(settings.competitors),
            "disclosure_tags": "\n".join(f"#{t}" for t in settings.disclosure_tags),
            "lexicon": "\n".join(f"{word} {value:g}" for word, value in sorted(settings.lexicon.items())),
        }
