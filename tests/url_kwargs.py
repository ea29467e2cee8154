"""For the cross-tenant meta-test: how to make an object of organization `org` for each URL keyword.

Every URL under /o/<org_slug>/ and /api/v1/o/<org_slug>/ is requested by a member of another
organization with the keywords filled from objects of `org`; it must answer 404 and show none of
`org`'s data. A URL keyword missing here fails the meta-test: add a maker when you add a URL.

A maker takes the organization and returns the value for the keyword (usually an object's pk).
"""

from tests.factories import InvitationFactory, MembershipFactory, TeamFactory


def _roster_import(org):
    from advocacy.tenancy.context import organization_scope
    from advocacy.tenancy.models import RosterImport

    with organization_scope(org):
        return RosterImport.objects.create(organization=org, filename="roster.csv", content="email\n").pk


KWARG_MAKERS = {
    "membership_id": lambda org: MembershipFactory(organization=org).pk,
    "member_id": lambda org: MembershipFactory(organization=org).pk,
    "team_id": lambda org: TeamFactory(organization=org).pk,
    "invitation_id": lambda org: InvitationFactory(organization=org).pk,
    "import_id": _roster_import,
    # policies
    "policy_id": lambda org: _policies().published_policy(org)[0].pk,
    "version_id": lambda org: _policies().published_policy(org)[1].pk,
    "question_id": lambda org: _policies().question(org).pk,
    # content library
    "content_id": lambda org: _content(org).pk,
    "campaign_id": lambda org: _content_factory("CampaignFactory")(organization=org).pk,
    "hashtag_id": lambda org: _content_factory("HashtagFactory")(organization=org).pk,
    "share_id": lambda org: _content_factory("ShareFactory")(organization=org).pk,
    "revision_id": lambda org: _content_revision(org),
}


def _policies():
    from tests.policies import factories

    return factories


def _content_factory(name):
    from tests.content_library import factories

    return getattr(factories, name)


def _content(org):
    return _content_factory("ContentItemFactory")(organization=org)


def _content_revision(org):
    from advocacy.tenancy.context import organization_scope
    from content_library.models import ContentRevision

    item = _content(org)
    with organization_scope(org):
        return ContentRevision.objects.create(
            organization=org, content=item, number=1, title=item.title, status="pending"
        ).pk
