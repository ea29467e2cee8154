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


def clicks(org, share, day: datetime.date, count: int):
    """Countable clicks on a share on a day, as content_library's click flush records them."""
    from advocacy.tenancy.context import organization_scope
    from content_library.models import ClickDaily

    with organization_scope(org):
        return ClickDaily.objects.create(
            organization=org,
            share=share,
            day=day,
            clicks=count,
            user_id=share.user_id,
            content_id=share.content_id,
            network=share.network,
        )


def attributed_post(org, share, *, likes=0, reposts=0, replies=0, at=None):
    """A member's post carrying a share, as monitoring's intake records it."""
    from advocacy.tenancy.context import organization_scope
    from monitoring.models import Post
    from tests.monitoring.factories import ConnectedAccountFactory

    at = at or timezone.now() - datetime.timedelta(hours=1)
    account = ConnectedAccountFactory(organization=org, user=share.user)
    with organization_scope(org):
        return Post.objects.create(
            organization=org,
            account=account,
            user=share.user,
            network="mastodon",
            external_id=f"post-{share.pk}-{account.pk}",
            share=share,
            likes=likes,
            reposts=reposts,
            replies=replies,
            posted_at=at,
            last_seen_at=timezone.now() - datetime.timedelta(minutes=1),
        )


def course_completion(org, user, *, at=None):
    """A completed course, as the policies app's training records it (append-only)."""
    from advocacy.tenancy.context import organization_scope
    from policies.models import CourseCompletion
    from tests.policies.training_factories import published_course

    course = published_course(org)
    at = at or timezone.now() - datetime.timedelta(minutes=1)
    with organization_scope(org):
        version = course.versions.order_by("-pk").first()
        return CourseCompletion.objects.create(
            organization=org,
            course=course,
            version=version,
            user=user,
            user_email=user.email,
            content_sha256=version.content_sha256 or "0" * 64,
            completed_at=at,
        )
