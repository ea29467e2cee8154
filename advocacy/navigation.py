"""The sidebar, by role: each entry is shown to members whose roles allow its action.

Apps add their entries to NAV (section, label, url name under /o/<slug>/, action, icon name).
"""

from dataclasses import dataclass
from functools import lru_cache

from django.urls import reverse


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


# One line under each entry's card on the organization home page.
DESCRIPTIONS = {
    "content_feed": "Approved posts for your teams, ready to share in your own words.",
    "content_my_shares": "What you shared and the clicks each post brought back.",
    "content_suggest": "Found something worth sharing? Suggest it for the library.",
    "content_library": "Curate items, captions, dates and approvals.",
    "content_campaigns": "Campaigns, their content and results so far.",
    "content_hashtags": "The hashtags your organization designates and how often they are used.",
    "content_review": "Suggestions and revisions waiting for a decision.",
    "policies_list": "Read the policies that apply to you and acknowledge them.",
    "policies_questions": "Questions and feedback from employees, waiting for an answer.",
    "policies_settings": "Sharing gate, reminders and review rules for policies.",
    "members_list": "Everyone in the organization, their roles and teams.",
    "teams_list": "Create and rename teams.",
    "invitations_list": "Invite people one by one or from a CSV roster.",
    "audit_list": "Sign-ins, role changes, publications and exports, with CSV export.",
    "org_settings": "Name and two-factor requirements.",
}


@lru_cache(maxsize=4096)
def nav_links(org_slug: str, actions: frozenset[str]) -> tuple[tuple[str, tuple[tuple[str, str, str, str], ...]], ...]:
    """(section, ((label, url, icon, url_name), ...)) for these actions: a pure function, cached."""
    sections: dict[str, list[tuple[str, str, str, str]]] = {}
    for item in NAV:
        if item.action not in actions:
            continue
        url = reverse(item.url_name, kwargs={"org_slug": org_slug})
        sections.setdefault(item.section, []).append((item.label, url, item.icon, item.url_name))
    return tuple((section, tuple(items)) for section, items in sections.items())
