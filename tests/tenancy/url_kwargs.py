"""The tenancy app's URL keywords for the meta-tests (AppRegistration.url_kwargs): keyword -> maker(org)."""

from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import RosterImport
from tests.factories import InvitationFactory, MembershipFactory, TeamFactory


def _roster_import(org):
    with organization_scope(org):
        return RosterImport.objects.create(organization=org, filename="roster.csv", content="email\n").pk


MAKERS = {
    "membership_id": lambda org: MembershipFactory(organization=org).pk,
    "member_id": lambda org: MembershipFactory(organization=org).pk,
    "team_id": lambda org: TeamFactory(organization=org).pk,
    "invitation_id": lambda org: InvitationFactory(organization=org).pk,
    "import_id": _roster_import,
}
