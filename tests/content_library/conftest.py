import pytest

from advocacy.tenancy.context import organization_scope
from content_library import services
from tests.content_library.factories import ContentItemFactory, HashtagFactory


@pytest.fixture
def item(org):
    return ContentItemFactory(organization=org, title="Quarterly results beat expectations")


@pytest.fixture
def prepared_share(org, employee, item):
    with organization_scope(org):
        return services.share_prepare(
            organization=org, actor=employee, content=item, network="linkedin", caption="Proud of the team!"
        )


@pytest.fixture
def hashtag(org):
    return HashtagFactory(organization=org, name="AcmeNews", key="acmenews")
