"""generate_scale_data's content step at a tiny size: items, shares spread over the items, clicks, and
the rollups and counters the feed reads, as the services would leave them."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum

from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Organization
from content_library.models import ClickDaily, ContentItem, Share, ShareDaily

pytestmark = pytest.mark.django_db


def test_content_shares_clicks_and_their_rollups():
    options = {"employees": 10, "content": 20, "shares": 100, "clicks": 500}
    call_command("generate_scale_data", stdout=io.StringIO(), **options)
    call_command("generate_scale_data", stdout=io.StringIO(), **options)  # tops up: adds nothing
    acme = Organization.objects.get(slug="acme")
    with organization_scope(acme):
        items = ContentItem.objects.filter(organization=acme, title__startswith="Scale item ")
        assert items.count() == 20
        assert Share.objects.filter(organization=acme, status="confirmed").count() == 100
        assert all(item.share_count == 5 for item in items)  # spread over every item
        assert ClickDaily.objects.filter(organization=acme).aggregate(n=Sum("clicks"))["n"] == 500
        assert ShareDaily.objects.filter(organization=acme).aggregate(n=Sum("shares"))["n"] == 100
