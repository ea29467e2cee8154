"""The review queue's demo data: items of every source and priority, some overdue, one claimed and one
escalated, and a decided violation with an appeal; seeding again adds nothing."""

import pytest

from advocacy.demo import seed_organization
from advocacy.tenancy.context import organization_scope
from monitoring.review.models import Appeal, Decision, Priority, ReviewItem, Source

pytestmark = pytest.mark.django_db


def test_the_demo_queue_shows_every_source_and_priority_and_an_appeal(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo = seed_organization("acme", "Acme Corporation", "demo-password")
    org = demo.organization
    with organization_scope(org):
        items = list(ReviewItem.objects.filter(organization=org))
        sources = {source for item in items for source in item.sources}
        assert {Source.RULE, Source.SENTIMENT, Source.REPORT, Source.SAMPLE, Source.VIRALITY} <= sources
        assert {item.priority for item in items} >= {Priority.LOW, Priority.HIGH, Priority.CRITICAL}
        assert any(item.is_overdue for item in items)
        assert {item.state for item in items} >= {"claimed", "escalated", "resolved", "open"}
        assert Decision.objects.filter(organization=org, outcome="violation").count() == 1
        assert Appeal.objects.filter(organization=org, state="pending").count() == 1
        count = len(items)
    seed_organization("acme", "Acme Corporation", "demo-password")
    with organization_scope(org):
        assert ReviewItem.objects.filter(organization=org).count() == count
