"""Looking across organizations in a test. The tests connect as the application's runtime role, which
cannot cross organizations in one query (advocacy/core/roles.py): a test reads each organization in its
own scope, as the application would."""

from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Organization


def in_every_organization(read) -> list:
    """`read()` (an iterable: a queryset, a list) in each organization's scope, concatenated."""
    rows = []
    for organization in Organization.objects.order_by("pk"):
        with organization_scope(organization):
            rows.extend(read())
    return rows
