from django import forms

EXPIRY_CHOICES = [("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("never", "No expiry")]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What will use this token? For example “Reporting script”.",
        widget=forms.TextInput(attrs={"placeholder": "Reporting script", "autocomplete": "off"}),
    )
    organization = forms.TypedChoiceField(coerce=int, help_text="The token works only in this organization.")
    expires = forms.ChoiceField(choices=EXPIRY_CHOICES, initial="90", label="Expires after")

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = {m.organization.pk: m.organization for m in memberships}
        self.fields["organization"].choices = [(m.organization.pk, m.organization.name) for m in memberships]

    def clean_organization(self):
        # The choices are the caller's own active memberships, so an id outside them is refused here.
        return self.organizations[self.cleaned_data["organization"]]

    def clean_expires(self):
        value = self.cleaned_data["expires"]
        return None if value == "never" else int(value)
