"""The review queue's scale step (bench data): one item in ten waiting, topped up, never duplicated; the queue
page answers with the same queries over the generated items as over a handful."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from advocacy.core.scale import ScaleContext
from advocacy.tenancy.context import organization_scope
from monitoring.review.models import ReviewItem
from monitoring.review.scale import generate_items
from tests.monitoring_review.factories import member

pytestmark = pytest.mark.django_db


def _generate(org, count):
    with organization_scope(org):
        generate_items(org, ScaleContext(options={"review_items": count}, password_hash="", log=lambda _m: None))


def _queries(client, org):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("review_queue", kwargs={"org_slug": org.slug})).status_code == 200
    return len(queries)


def test_the_scale_step_tops_up_and_the_queue_keeps_its_query_count(org, moderator, client_for):
    member(org)
    _generate(org, 20)
    client = client_for(moderator)
    _queries(client, org)
    small = _queries(client, org)
    _generate(org, 300)
    _generate(org, 300)  # again: nothing more
    with organization_scope(org):
        assert ReviewItem.objects.filter(organization=org).count() == 300
        assert ReviewItem.objects.filter(organization=org, state="open").count() == 30
    _queries(client, org)  # the cached counts are stale after the writes: counted again once
    assert _queries(client, org) == small
