"""The sidebar, by role: each entry is shown to members whose roles allow its action.

Apps add their entries to NAV (section, label, url name under /o/<slug>/, action, icon name).
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    action: str
    icon: str = "dot"


NAV: list[NavItem] = [
    NavItem("", "Home", "org_home", "org.view", "home"),
    NavItem("Content", "Content feed", "content_feed", "content.view", "share"),
    NavItem("Content", "My shares", "content_my_shares", "content.view", "chart"),
    NavItem("Content", "Suggest content", "content_suggest", "content.suggest", "lightbulb"),
    NavItem("Content", "Library", "content_library", "content.manage", "book"),
    NavItem("Content", "Campaigns", "content_campaigns", "content.view", "target"),
    NavItem("Content", "Hashtags", "content_hashtags", "content.view", "hash"),
    NavItem("Content", "Review queue", "content_review", "content.approve", "inbox"),
    NavItem("Policies", "Policies", "policies_list", "policies.view", "file"),
    NavItem("Policies", "Questions", "policies_questions", "policies.answer", "help"),
    NavItem("Policies", "Policy settings", "policies_settings", "policies.settings", "settings"),
    NavItem("Administration", "Members", "members_list", "members.view", "users"),
    NavItem("Administration", "Teams", "teams_list", "teams.manage", "layers"),
    NavItem("Administration", "Invitations", "invitations_list", "invitations.manage", "mail"),
    NavItem("Administration", "Audit log", "audit_list", "audit.view", "shield"),
    NavItem("Administration", "Settings", "org_settings", "org.settings", "settings"),
]


def nav_for(request) -> list[tuple[str, list[dict]]]:
    membership = getattr(request, "membership", None)
    organization = getattr(request, "organization", None)
    if membership is None or organization is None:
        return []
    actions = membership.actions
    current = request.resolver_match.url_name if request.resolver_match else None
    sections: dict[str, list[dict]] = {}
    for item in NAV:
        if item.action not in actions:
            continue
        try:
            url = reverse(item.url_name, kwargs={"org_slug": organization.slug})
        except NoReverseMatch:
            continue
        sections.setdefault(item.section, []).append(
            {"label": item.label, "url": url, "icon": item.icon, "active": current == item.url_name}
        )
    return list(sections.items())
