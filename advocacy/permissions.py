"""The one permission map: role -> allowed actions. Views, the API and templates all ask here.

Each app declares its actions with the roles allowed to perform them in its registration
(`AppRegistration.actions`, advocacy/core/registry.py); the map is collected from every installed
app on first use and then kept. `ACTIONS` (action -> frozenset of roles) reads it; a test walks the
whole map.
"""

from collections.abc import Mapping
from functools import cache, lru_cache
from types import MappingProxyType

from django.db import models

from advocacy.core import registry


class Role(models.TextChoices):
    EMPLOYEE = "employee", "Employee"
    HR = "hr", "HR"
    MODERATOR = "moderator", "Moderator"
    ADMIN = "admin", "Admin"


EVERYONE = frozenset(Role)
ADMIN = frozenset({Role.ADMIN})

ACTIONS: Mapping[str, frozenset[Role]]  # annotation only: the module's __getattr__ answers with action_map()


@cache
def action_map() -> Mapping[str, frozenset[Role]]:
    """action -> roles allowed to perform it, from every installed app (read-only)."""
    return MappingProxyType(
        {action: frozenset(Role(role) for role in roles) for action, roles in registry.permission_actions().items()}
    )


def __getattr__(name: str):
    # `from advocacy.permissions import ACTIONS` after the apps are loaded: the collected map
    if name == "ACTIONS":
        return action_map()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def allowed_actions(roles) -> frozenset[str]:
    return _allowed_actions(frozenset(roles or ()))


@lru_cache(maxsize=64)
def _allowed_actions(roles: frozenset) -> frozenset[str]:
    return frozenset(action for action, allowed in action_map().items() if roles & allowed)


def role_may(roles, action: str) -> bool:
    allowed = action_map().get(action)
    if allowed is None:
        raise KeyError(f"Unknown action {action!r}: no installed app declares it (AppRegistration.actions)")
    return bool(set(roles or ()) & allowed)
