"""Every write to organizations, teams, memberships, invitations and roster imports: atomic and
audited. One module per entity; `from advocacy.tenancy import services; services.team_create(...)`
reaches them all."""

from .common import VALID_ROLES, check_team, clean_roles
from .invitations import (
    invitation_accept,
    invitation_create,
    invitation_email_refused,
    invitation_find_by_token,
    invitation_resend,
    invitation_revoke,
    invitation_url,
    send_invitation_email,
)
from .memberships import end_user_sessions, membership_deactivate, membership_reactivate, membership_update
from .organizations import FIRST_ADMIN_ROLES, organization_create, organization_start, organization_update_settings
from .roster_imports import (
    ROSTER_CHUNK_MIN,
    organizations_with_stalled_imports,
    roster_import_create,
    roster_import_export_report,
    roster_import_resume,
    roster_import_resume_stalled,
    roster_import_run,
)
from .teams import team_create, team_delete, team_update

__all__ = [
    "FIRST_ADMIN_ROLES",
    "ROSTER_CHUNK_MIN",
    "VALID_ROLES",
    "check_team",
    "clean_roles",
    "end_user_sessions",
    "invitation_accept",
    "invitation_create",
    "invitation_email_refused",
    "invitation_find_by_token",
    "invitation_resend",
    "invitation_revoke",
    "invitation_url",
    "membership_deactivate",
    "membership_reactivate",
    "membership_update",
    "organization_create",
    "organizations_with_stalled_imports",
    "organization_start",
    "organization_update_settings",
    "roster_import_create",
    "roster_import_export_report",
    "roster_import_resume",
    "roster_import_resume_stalled",
    "roster_import_run",
    "send_invitation_email",
    "team_create",
    "team_delete",
    "team_update",
]
