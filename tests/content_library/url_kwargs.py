"""The content library's URL keywords for the meta-tests (AppRegistration.url_kwargs): keyword -> maker(org)."""

from advocacy.tenancy.context import organization_scope
from content_library.models import ContentRevision
from tests.content_library.factories import CampaignFactory, ContentItemFactory, HashtagFactory, ShareFactory


def _revision(org):
    item = ContentItemFactory(organization=org)
    with organization_scope(org):
        return ContentRevision.objects.create(
            organization=org, content=item, number=1, title=item.title, status="pending"
        ).pk


MAKERS = {
    "content_id": lambda org: ContentItemFactory(organization=org).pk,
    "campaign_id": lambda org: CampaignFactory(organization=org).pk,
    "hashtag_id": lambda org: HashtagFactory(organization=org).pk,
    "share_id": lambda org: ShareFactory(organization=org).pk,
    "revision_id": _revision,
}
