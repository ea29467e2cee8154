"""Small helpers the services share."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from advocacy.tenancy.models import Membership


def org_url(organization, name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def active_member_ids(organization, user_ids) -> set[int]:
    """The ids among `user_ids` of the organization's active members (one query)."""
    ids = {int(pk) for pk in user_ids if pk is not None}
    if not ids:
        return set()
    return set(
        Membership.objects.filter(organization=organization, is_active=True, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )


def users_by_id(ids) -> dict:
    return {user.pk: user for user in get_user_model().objects.filter(pk__in=set(ids))}
