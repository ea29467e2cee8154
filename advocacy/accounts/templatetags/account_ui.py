"""Template helpers for the account pages: allauth's element tags mapped onto our CSS classes, and the
account settings tabs."""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

# (label, url name, url names that count as "this tab")
SETTINGS_TABS = [
    ("Email addresses", "account_email", {"account_email", "account_change_email"}),
    ("Password", "account_change_password", {"account_change_password", "account_set_password"}),
    (
        "Two-factor authentication",
        "mfa_index",
        {
            "mfa_index",
            "mfa_activate_totp",
            "mfa_deactivate_totp",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_download_recovery_codes",
        },
    ),
    ("API tokens", "api_tokens", {"api_tokens"}),
]


def _tags(tags) -> set[str]:
    if not tags:
        return set()
    if isinstance(tags, str):
        tags = tags.split(",")
    return {str(t).strip() for t in tags}


@register.simple_tag
def button_class(tags=None, button_type=None) -> str:
    """allauth button tags (prominent, primary, outline, secondary, danger, link, minor, tool) -> classes."""
    tags = _tags(tags)
    if "link" in tags:
        return "link-button"
    classes = ["btn"]
    if "danger" in tags:
        classes.append("btn-danger")
    elif ("primary" in tags or "prominent" in tags) and "outline" not in tags:
        classes.append("btn-primary")
    elif not tags and button_type == "submit":
        classes.append("btn-primary")
    if "minor" in tags or "tool" in tags:
        classes.append("btn-sm")
    return " ".join(classes)


@register.simple_tag
def badge_class(tags=None) -> str:
    tags = _tags(tags)
    for tag in ("success", "warning", "danger", "primary"):
        if tag in tags:
            return f"badge badge-{tag}"
    return "badge"


@register.inclusion_tag("accounts/_settings_tabs.html", takes_context=True)
def account_settings_tabs(context):
    request = context.get("request")
    current = getattr(getattr(request, "resolver_match", None), "url_name", None)
    tabs = []
    for label, url_name, names in SETTINGS_TABS:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        tabs.append({"label": label, "url": url, "active": current in names})
    return {"tabs": tabs}
