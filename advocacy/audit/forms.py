from django import forms


class AuditFilterForm(forms.Form):
    # A free value shown as a select: an action that was never recorded simply matches nothing.
    action = forms.CharField(required=False, max_length=64, widget=forms.Select)
    actor = forms.CharField(
        required=False,
        max_length=254,
        label="Actor",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Email contains…"}),
    )
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].widget.choices = [("", "All actions")] + [(a, a) for a in actions]

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def filters(self) -> dict:
        """The filters to apply: the valid ones (an invalid field is ignored and shows its error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            key: data.get(key)
            for key in ("action", "actor", "date_from", "date_to")
            if data.get(key) and key not in self.errors
        }
