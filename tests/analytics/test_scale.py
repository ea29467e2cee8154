"""The bench's scale step: members' posts with ten engagement snapshots each for the generated shares, then the
rollups; a second run adds nothing."""

import datetime

import pytest
from django.utils import timezone

from advocacy.tenancy.context import organization_scope
from analytics import selectors
from analytics.scale import generate_snapshots
from analytics.services import rollup_refresh
from content_library.models import Share
from monitoring.models import EngagementSnapshot, Post
from tests.content_library.factories import ShareFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_snapshots_for_the_generated_shares_roll_up_as_engagement(org):
    for n in range(3):
        user = UserFactory()
        MembershipFactory(organization=org, user=user)
        ShareFactory(
            organization=org,
            user=user,
            status=Share.Status.CONFIRMED,
            confirmed_at=timezone.now() - datetime.timedelta(days=n + 1),
        )
    with organization_scope(org):
        generate_snapshots(org, 30)
        assert Post.objects.count() == 3
        assert EngagementSnapshot.objects.count() == 30
        generate_snapshots(org, 30)
        assert EngagementSnapshot.objects.count() == 30
        rollup_refresh(organization=org)
        today = selectors.local_today(selectors.organization_zone(org))
        current = selectors.dashboard(organization=org, filters=selectors.default_filters(today))["current"]
        expected = sum(p.likes + p.reposts + p.replies for p in Post.objects.all())
    assert current["engagement"] == expected
