"""The growth run's data: small organizations each with content, shares and clicks of their own."""

import pytest
from django.core.management import call_command
from django.db.models import Sum

from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Organization
from content_library.models import ClickDaily, ContentItem, Share

pytestmark = pytest.mark.django_db


def test_small_organizations_get_content_shares_and_clicks_of_their_own():
    call_command("generate_scale_data", "--employees", "5", "--orgs", "3", "--small-org-content", "2", stdout=None)
    call_command("generate_scale_data", "--orgs", "3", "--small-org-content", "2")  # tops up: adds nothing
    small = list(Organization.objects.filter(slug__startswith="scale-org-"))
    assert len(small) == 3
    for organization in small:
        with organization_scope(organization):
            assert ContentItem.objects.count() == 2
            assert Share.objects.filter(status=Share.Status.CONFIRMED).count() == 6
            assert ClickDaily.objects.aggregate(n=Sum("clicks"))["n"] == 60
