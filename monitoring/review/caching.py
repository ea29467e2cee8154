"""What the review queue caches (see advocacy.core.cache): the queue's counts per state and overdue, per
organization, stale on any write to the items; the lifetime covers what time alone changes (an item becoming
overdue). Fetched with the membership on the queue page (one round trip)."""

from advocacy.core.cache import Cached, On, request_prefetch

COUNTS_TTL = 60
QUEUE_PATH = "monitoring/queue/"

counts_cache = Cached(
    "review.counts",
    scope=("organization",),
    ttl=COUNTS_TTL,
    on=[On("monitoring_review.ReviewItem", scope=("organization_id",))],
)


@request_prefetch
def request_keys(request, organization, user_id: int, subpath: str) -> list[str]:
    """The queue page's counts."""
    if subpath == QUEUE_PATH:
        return counts_cache.keys((organization.pk,), "states")
    return []
