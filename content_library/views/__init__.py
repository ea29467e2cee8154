"""Pages under /o/<slug>/content/ and the public tracked-link redirect /l/<code>, one module per
entity; urls.py, the middleware and the app's routes use the names re-exported here."""

from .campaigns import campaign_detail, campaign_edit, campaign_end, campaign_launch, campaign_new, campaigns
from .feed import feed
from .items import (
    content_archive,
    content_edit,
    content_image,
    content_new,
    content_publish,
    content_results,
    library,
    og_preview,
)
from .revisions import review_queue, revision_approve, revision_detail, revision_image, revision_reject, suggest
from .settings import content_settings
from .sharing import content_detail, content_share, my_shares, preferences, share_confirm, share_ready
from .taxonomy import hashtag_detail, hashtags, topics
from .tracked_links import tracked_link, tracked_link_image

__all__ = [
    "campaign_detail",
    "campaign_edit",
    "campaign_end",
    "campaign_launch",
    "campaign_new",
    "campaigns",
    "content_archive",
    "content_detail",
    "content_edit",
    "content_image",
    "content_new",
    "content_publish",
    "content_results",
    "content_settings",
    "content_share",
    "feed",
    "hashtag_detail",
    "hashtags",
    "library",
    "my_shares",
    "og_preview",
    "preferences",
    "review_queue",
    "revision_approve",
    "revision_detail",
    "revision_image",
    "revision_reject",
    "share_confirm",
    "share_ready",
    "suggest",
    "topics",
    "tracked_link",
    "tracked_link_image",
]
