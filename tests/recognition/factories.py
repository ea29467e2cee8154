"""Recognition test helpers: the things that earn points, recorded as the other apps record them."""

import datetime

from django.utils import timezone

from content_library.models import Share
from tests.content_library.factories import ContentItemFactory, ShareFactory
from tests.factories import MembershipFactory, UserFactory


def member(org, *, name="", team=None, roles=("employee",)):
    user = UserFactory(full_name=name) if name else UserFactory()
    MembershipFactory(organization=org, user=user, roles=list(roles), team=team)
    return user


def confirmed_share(org, user, *, at: datetime.datetime | None = None):
    at = at or timezone.now() - datetime.timedelta(minutes=1)
    return ShareFactory(organization=org, user=user, status=Share.Status.CONFIRMED, confirmed_at=at)


def approved_suggestion(org, user, *, at: datetime.datetime | None = None):
    at = at or timezone.now() - datetime.timedelta(minutes=1)
    return ContentItemFactory(organization=org, is_suggestion=True, created_by=user, first_published_at=at)
