"""Look-ups that start without the organization go through routing tables, kept by triggers on the
tenant tables: the tracked-link code and the invitation token."""

import pytest
from django.db import IntegrityError, connection, transaction

from advocacy.tenancy import services as tenancy_services
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Invitation, InvitationRoute
from content_library import links
from content_library.models import LinkRoute, Share
from tests.content_library.factories import ShareFactory
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def _routes(model, **filters):
    return list(model.objects.filter(**filters).values_list("organization_id", flat=True))


def test_a_share_code_is_routed_to_its_organization_and_moves_and_goes_with_it(org):
    share = ShareFactory(organization=org, code="routeme1")
    assert _routes(LinkRoute, code="routeme1") == [org.pk]
    with organization_scope(org):
        share.code = "routeme2"
        share.save(update_fields=["code"])
    assert _routes(LinkRoute, code="routeme1") == []
    assert _routes(LinkRoute, code="routeme2") == [org.pk]
    with organization_scope(org):
        Share.objects.filter(pk=share.pk).update(code=None)
    assert not LinkRoute.objects.filter(organization=org).exists()
    with organization_scope(org):
        Share.objects.filter(pk=share.pk).update(code="routeme3")
        share.refresh_from_db()
        share.delete()
    assert not LinkRoute.objects.filter(organization=org).exists()


def test_a_code_stays_unique_across_organizations(org, other_org):
    ShareFactory(organization=org, code="samecode")
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareFactory(organization=other_org, code="samecode")
    assert _routes(LinkRoute, code="samecode") == [org.pk]


def test_the_database_resolves_a_code_through_its_route_in_one_statement(org, other_org, django_assert_num_queries):
    ShareFactory(organization=other_org, code="theirs01")
    share = ShareFactory(organization=org, code="ours0001")
    with django_assert_num_queries(1):
        assert links.resolve_from_database("ours0001") == (org.pk, share.destination)
    assert links.resolve_from_database("nosuchcd") is None
    # the function leaves no organization behind for the rest of the transaction
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.organization_id', true)")
        assert (cursor.fetchone()[0] or "") == ""


def test_a_route_to_a_share_without_destination_resolves_to_nothing(org):
    ShareFactory(organization=org, code="nodest01", destination="")
    assert _routes(LinkRoute, code="nodest01") == [org.pk]
    assert links.resolve_from_database("nodest01") is None


def test_an_invitation_is_found_through_its_route_and_a_resent_token_moves_it(org, other_org, admin):
    raw = Invitation.generate_token()
    invitation = InvitationFactory(organization=org, token_hash=Invitation.hash_token(raw))
    InvitationFactory(organization=other_org)
    assert _routes(InvitationRoute, token_hash=invitation.token_hash) == [org.pk]
    found = tenancy_services.invitation_find_by_token(raw)
    assert found.pk == invitation.pk and found.organization == org
    assert tenancy_services.invitation_find_by_token("not-a-token") is None

    old_hash = invitation.token_hash
    with organization_scope(org):
        tenancy_services.invitation_resend(organization=org, actor=admin, invitation=invitation)
        invitation.refresh_from_db()
    assert invitation.token_hash != old_hash
    assert not InvitationRoute.objects.filter(token_hash=old_hash).exists()
    assert _routes(InvitationRoute, token_hash=invitation.token_hash) == [org.pk]
    assert tenancy_services.invitation_find_by_token(raw) is None


def test_an_invitation_token_stays_unique_across_organizations(org, other_org):
    InvitationFactory(organization=org, token_hash="f" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        InvitationFactory(organization=other_org, token_hash="f" * 64)
