from django.apps import AppConfig

from advocacy.core.registry import AppRegistration, NavItem
from advocacy.permissions import ADMIN


class AuditConfig(AppConfig):
    name = "advocacy.audit"
    label = "audit"
    registration = AppRegistration(
        actions={"audit.view": ADMIN, "audit.export": ADMIN},
        nav=(
            NavItem(
                "Administration",
                "Audit log",
                "audit_list",
                "audit.view",
                "shield",
                description="Sign-ins, role changes, publications and exports, with CSV export.",
                position=950,
            ),
        ),
        url_prefix="audit/",
        urls="advocacy.audit.urls",
    )
