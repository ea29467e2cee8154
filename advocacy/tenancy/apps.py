from django.apps import AppConfig

from advocacy.core.registry import AppRegistration, NavItem
from advocacy.permissions import ADMIN, EVERYONE, Role


class TenancyConfig(AppConfig):
    name = "advocacy.tenancy"
    label = "tenancy"
    registration = AppRegistration(
        actions={
            "org.view": EVERYONE,
            "org.settings": ADMIN,
            "members.view": {Role.ADMIN, Role.HR},
            "members.manage": ADMIN,
            "invitations.manage": ADMIN,
            "teams.view": EVERYONE,
            "teams.manage": ADMIN,
        },
        nav=(
            NavItem("", "Home", "org_home", "org.view", "home", position=0),
            NavItem(
                "Administration",
                "Members",
                "members_list",
                "members.view",
                "users",
                description="Everyone in the organization, their roles and teams.",
                position=900,
            ),
            NavItem(
                "Administration",
                "Teams",
                "teams_list",
                "teams.manage",
                "layers",
                description="Create and rename teams.",
                position=910,
            ),
            NavItem(
                "Administration",
                "Invitations",
                "invitations_list",
                "invitations.manage",
                "mail",
                description="Invite people one by one or from a CSV roster.",
                position=920,
            ),
            NavItem(
                "Administration",
                "Settings",
                "org_settings",
                "org.settings",
                "settings",
                description="Name and two-factor requirements.",
                position=990,
            ),
        ),
        # roster imports whose worker was killed or whose task message was lost, resumed (models.ROSTER_STALL_AFTER)
        beat={
            "tenancy-roster-stalls": {"task": "advocacy.tenancy.tasks.resume_stalled_roster_imports", "schedule": 60.0}
        },
        urls="advocacy.tenancy.urls",  # at the organization's root: /o/<org_slug>/members/ ...
        url_kwargs="tests.tenancy.url_kwargs.MAKERS",
    )
