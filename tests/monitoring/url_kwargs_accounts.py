"""URL keyword makers of the connected accounts pages (merged into tests/monitoring/url_kwargs.py MAKERS)."""

from advocacy.tenancy.context import organization_scope
from monitoring.models import ConnectedAccount
from tests.factories import MembershipFactory


def make_account(organization) -> int:
    member = MembershipFactory(organization=organization).user
    with organization_scope(organization):
        account = ConnectedAccount.objects.create(
            organization=organization,
            user=member,
            network="bluesky",
            handle=f"member{member.pk}.bsky.social",
            external_id=f"did:plc:member{member.pk}",
            state=ConnectedAccount.State.PENDING_VERIFICATION,
            verification_code="advocacy-test",
        )
    return account.pk


MAKERS = {"account_id": make_account}
