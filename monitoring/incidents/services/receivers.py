"""What incidents hear from the rest of monitoring: engagement snapshots of an incident's post as pulls store
them (monitoring.signals.engagement_pulled), the review queue's virality trigger and its decisions on a linked
item (monitoring.review.signals). Receivers load what they need in bulk and write each timeline entry once
(a key per snapshot or decision: a replayed signal adds nothing)."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from advocacy.tenancy.context import organization_scope

from ..models import Incident, Severity, TimelineEntry
from .engagement import engagement_recorded

log = logging.getLogger("advocacy.incidents")


def on_engagement_pulled(sender, organization, post_ids, run_id=None, **kwargs):
    try:
        engagement_recorded(organization=organization, post_ids=list(post_ids), run_id=run_id)
    except Exception:  # the intake's commit stands; a missed snapshot is only a missing timeline line
        log.exception("incident timeline from engagement_pulled failed for organization %s", organization.pk)


def viral_item_open(*, organization, item_id: int, severity: str = Severity.HIGH, growth: int | None = None):
    """The virality trigger: an incident for the item (joined when one is already in progress for its post)."""
    from ..review_link import linked_item
    from . import incidents

    with organization_scope(organization):
        item = linked_item(organization, item_id)
        title = _("Going viral: %(post)s") % {"post": item.title or _("review item #%(id)s") % {"id": item_id}}
        summary = _("The post's engagement grew faster than the organization's virality threshold between two pulls.")
        if growth is not None:
            summary += " " + _("Growth since the previous pull: %(n)s.") % {"n": growth}
        incident, created = incidents.incident_declare(
            organization=organization,
            actor=None,
            title=title[:200],
            severity=severity,
            summary=summary,
            item_id=item.id,
            post_id=item.post_id,
            source=Incident.Source.VIRALITY,
        )
        return incident, created


def on_item_went_viral(sender, organization, item_id=None, growth=None, **kwargs):
    """Sent by the review queue after its transaction committed, once per item and snapshot pair."""
    try:
        viral_item_open(organization=organization, item_id=item_id, growth=growth)
    except Exception:
        log.exception("virality incident for item %s failed (organization %s)", item_id, organization.pk)


def item_timeline_add(*, organization, item_id: int, kind: str, text: str, key: str = "") -> int:
    """A line about a review item (a decision, a claim, an escalation, an appeal) on the timeline of each
    incident linked to it; with a `key`, once."""
    with organization_scope(organization):
        incidents = list(Incident.objects.filter(organization=organization, review_item_id=item_id).only("pk"))
        TimelineEntry.objects.bulk_create(
            [
                TimelineEntry(organization=organization, incident=incident, kind=kind, text=text[:2000], key=key)
                for incident in incidents
            ],
            ignore_conflicts=bool(key),
        )
        return len(incidents)


def on_item_decided(sender, organization, item_id=None, decision_id=None, text="", **kwargs):
    item_timeline_add(
        organization=organization,
        item_id=item_id,
        kind=TimelineEntry.Kind.DECISION,
        text=text,
        key=f"decision:{decision_id}",
    )


def on_item_event(sender, organization, item_id=None, text="", **kwargs):
    item_timeline_add(organization=organization, item_id=item_id, kind=TimelineEntry.Kind.ITEM, text=text)
