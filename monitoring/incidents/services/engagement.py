"""An incident's timeline from engagement snapshots: the run's snapshot of each post with an incident, and the
latest snapshots when an incident about a post is declared (each written once: a key per snapshot)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from advocacy.tenancy.context import organization_scope

from ..models import Incident, TimelineEntry


def _counts_text(snapshot, previous: dict | None) -> str:
    counts = {
        "likes": snapshot.likes,
        "reposts": snapshot.reposts,
        "replies": snapshot.replies,
        "quotes": snapshot.quotes,
    }
    text = _("%(likes)s likes, %(reposts)s reposts, %(replies)s replies, %(quotes)s quotes") % counts
    if previous:
        grown = sum(counts.values()) - sum(previous.get(k, 0) for k in counts)
        text += _(" (%(sign)s%(n)s since the previous pull)") % {"sign": "+" if grown >= 0 else "", "n": grown}
    return text


COUNTS = ("likes", "reposts", "replies", "quotes")


def _entry(organization, incident_id: int, snapshot, previous: dict | None) -> TimelineEntry:
    return TimelineEntry(
        organization=organization,
        incident_id=incident_id,
        kind=TimelineEntry.Kind.ENGAGEMENT,
        at=snapshot.taken_at,
        text=_counts_text(snapshot, previous),
        data={k: getattr(snapshot, k) for k in COUNTS},
        key=f"snapshot:{snapshot.pk}",
    )


def engagement_recorded(*, organization, post_ids: list[int], run_id: int) -> int:
    """Add the run's engagement snapshot of each post that has an incident not yet reviewed to its timeline
    (with the growth since the snapshot before it on that timeline)."""
    from monitoring.models import EngagementSnapshot

    with organization_scope(organization):
        incidents = list(
            Incident.objects.filter(organization=organization, post_id__in=post_ids)
            .exclude(state=Incident.State.REVIEWED)
            .only("pk", "post_id")
        )
        if not incidents:
            return 0
        snapshots = {
            s.post_id: s
            for s in EngagementSnapshot.objects.filter(
                organization=organization, run_id=run_id, post_id__in=[i.post_id for i in incidents]
            )
        }
        previous = {
            entry.incident_id: entry.data
            for entry in TimelineEntry.objects.filter(
                organization=organization, incident__in=incidents, kind=TimelineEntry.Kind.ENGAGEMENT
            )
            .exclude(data={})
            .order_by("incident_id", "-at", "-id")
            .distinct("incident_id")
        }
        entries = [
            _entry(organization, incident.pk, snapshots[incident.post_id], previous.get(incident.pk))
            for incident in incidents
            if incident.post_id in snapshots
        ]
        TimelineEntry.objects.bulk_create(entries, ignore_conflicts=True)
        return len(entries)


def engagement_backfill(*, organization, incident: Incident, limit: int = 3) -> int:
    """A new incident about a post starts its timeline with the post's latest engagement snapshots, so the
    growth that led to it shows."""
    from monitoring.models import EngagementSnapshot

    if not incident.post_id:
        return 0
    snapshots = list(
        EngagementSnapshot.objects.filter(organization=organization, post_id=incident.post_id).order_by(
            "-taken_at", "-id"
        )[:limit]
    )[::-1]
    entries, previous = [], None
    for snapshot in snapshots:
        entries.append(_entry(organization, incident.pk, snapshot, previous))
        previous = entries[-1].data
    TimelineEntry.objects.bulk_create(entries, ignore_conflicts=True)
    return len(entries)
