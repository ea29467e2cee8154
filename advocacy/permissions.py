"""The one permission map: role -> allowed actions. Views, the API and templates all ask here.

Each app adds its actions to ACTIONS below; a test walks the whole map.
"""

from functools import lru_cache

from django.db import models


class Role(models.TextChoices):
    EMPLOYEE = "employee", "Employee"
    HR = "hr", "HR"
    MODERATOR = "moderator", "Moderator"
    ADMIN = "admin", "Admin"


EVERYONE = frozenset(Role)
ADMIN = frozenset({Role.ADMIN})

# action -> roles allowed to perform it
ACTIONS: dict[str, frozenset[Role]] = {
    # organization and people
    "org.view": EVERYONE,
    "org.settings": ADMIN,
    "members.view": frozenset({Role.ADMIN, Role.HR}),
    "members.manage": ADMIN,
    "invitations.manage": ADMIN,
    "teams.view": EVERYONE,
    "teams.manage": ADMIN,
    "audit.view": ADMIN,
    "audit.export": ADMIN,
    # policies: HR writes, reviews and publishes; admins follow the tracking; everyone reads and acknowledges
    "policies.view": EVERYONE,
    "policies.author": frozenset({Role.HR}),
    "policies.review": frozenset({Role.HR}),
    "policies.publish": frozenset({Role.HR}),
    "policies.track": frozenset({Role.HR, Role.ADMIN}),
    "policies.remind": frozenset({Role.HR}),
    "policies.answer": frozenset({Role.HR}),
    "policies.settings": frozenset({Role.HR, Role.ADMIN}),
    # content library: everyone browses, shares and suggests; admins curate; moderators may approve
    # when the organization allows it (checked by content_library.services.may_approve)
    "content.view": EVERYONE,
    "content.share": EVERYONE,
    "content.suggest": EVERYONE,
    "content.manage": ADMIN,
    "content.approve": frozenset({Role.ADMIN, Role.MODERATOR}),
    "content.results": ADMIN,
    "content.settings": ADMIN,
}


def allowed_actions(roles) -> frozenset[str]:
    return _allowed_actions(frozenset(roles or ()))


@lru_cache(maxsize=64)
def _allowed_actions(roles: frozenset) -> frozenset[str]:
    return frozenset(action for action, allowed in ACTIONS.items() if roles & allowed)


def role_may(roles, action: str) -> bool:
    if action not in ACTIONS:
        raise KeyError(f"Unknown action {action!r}: add it to advocacy.permissions.ACTIONS")
    return bool(set(roles or ()) & ACTIONS[action])
