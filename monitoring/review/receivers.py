"""Signal wiring (AppConfig.ready): what the intake finds becomes review items. The intake sends its signals
after its transaction commits, once per batch; the receivers work in bulk inside the organization's scope and
in a transaction of their own. A failure here is logged and never undoes or stops the intake."""

from __future__ import annotations

import logging

from advocacy.tenancy.context import organization_scope
from monitoring.signals import engagement_pulled, post_checked

from .services import items_from_engagement, items_from_posts

log = logging.getLogger("advocacy.review")


def on_post_checked(sender, organization, post_ids, **kwargs):
    try:
        with organization_scope(organization):
            items_from_posts(organization=organization, post_ids=list(post_ids))
    except Exception:  # the intake's commit stands; the next pull's signal tries again
        log.exception("review items from post_checked failed for organization %s", organization.pk)


def on_engagement_pulled(sender, organization, post_ids, run_id=None, **kwargs):
    try:
        with organization_scope(organization):
            items_from_engagement(organization=organization, post_ids=list(post_ids), run_id=run_id or 0)
    except Exception:
        log.exception("review virality check failed for organization %s", organization.pk)


def connect() -> None:
    post_checked.connect(on_post_checked, dispatch_uid="review.post_checked")
    engagement_pulled.connect(on_engagement_pulled, dispatch_uid="review.engagement_pulled")
