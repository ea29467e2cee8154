from django import template

register = template.Library()

TONES = [
    (("failed", "revoked", "deactivated", "removed", "deleted", "rejected"), "badge-danger"),
    (("exported",), "badge-warning"),
    (("created", "invited", "accepted", "activated", "published", "approved"), "badge-success"),
    (("signed_in", "signed_out"), "badge-info"),
]


@register.filter
def action_tone(action: str) -> str:
    """A badge colour for an audit action, from the verb at its end."""
    verb = (action or "").rsplit(".", 1)[-1]
    for words, tone in TONES:
        if any(word in verb for word in words):
            return tone
    return "badge-primary"
