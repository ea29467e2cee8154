"""Every write of the content library: keyword-only, organization first, actor second, atomic,
audited where it matters. Bad input raises ValidationError and changes nothing.

One module per entity (settings, taxonomy, campaigns, items, revisions, sharing; `relations` holds
the link tables they share); callers import this package: `from content_library import services`."""

from .campaigns import campaign_create, campaign_end, campaign_launch, campaign_update
from .items import (
    content_archive,
    content_check,
    content_create,
    content_expire_due,
    content_publish,
    content_update,
)
from .revisions import may_approve, revision_approve, revision_reject, suggestion_check, suggestion_create
from .settings import content_settings_update, preference_update
from .sharing import (
    ShareRefused,
    hashtag_share_counts_sync,
    share_confirm,
    share_gate,
    share_intent,
    share_prepare,
    shares_today,
    sharing_hours_message,
    tracked_destination,
)
from .taxonomy import hashtag_create, hashtag_update, topic_create

__all__ = [
    "ShareRefused",
    "campaign_create",
    "campaign_end",
    "campaign_launch",
    "campaign_update",
    "content_archive",
    "content_check",
    "content_create",
    "content_expire_due",
    "content_publish",
    "content_settings_update",
    "content_update",
    "hashtag_create",
    "hashtag_share_counts_sync",
    "hashtag_update",
    "may_approve",
    "preference_update",
    "revision_approve",
    "revision_reject",
    "share_confirm",
    "share_gate",
    "share_intent",
    "share_prepare",
    "shares_today",
    "sharing_hours_message",
    "suggestion_check",
    "suggestion_create",
    "topic_create",
    "tracked_destination",
]
