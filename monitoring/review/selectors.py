"""Every non-trivial read of the review queue. `organization` first; look-ups by id answer 404 for missing and
someone else's alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from .models import Appeal, Consequence, Decision, ItemEvent, ItemSignal, Report, ReviewItem, Source
from .services.common import settings_for

PRECISION_DAYS = 90
STATUS_FILTERS = ("active", "open", "claimed", "escalated", "reopened", "resolved", "overdue", "all")


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def get_item_for_org(organization, item_id) -> ReviewItem:
    """The item `item_id` of `organization` (Http404 for missing or someone else's). For incidents too."""
    try:
        return ReviewItem.objects.select_related("member", "assignee", "decided_by").get(
            organization=organization, pk=_int(item_id) or 0
        )
    except ReviewItem.DoesNotExist:
        raise Http404("No such review item") from None


def get_decision_for_org(organization, decision_id) -> Decision:
    try:
        return Decision.objects.select_related("item", "member", "decided_by").get(
            organization=organization, pk=_int(decision_id) or 0
        )
    except Decision.DoesNotExist:
        raise Http404("No such decision") from None


def get_appeal_for_org(organization, appeal_id) -> Appeal:
    try:
        return Appeal.objects.select_related("decision__item", "member", "decided_by").get(
            organization=organization, pk=_int(appeal_id) or 0
        )
    except Appeal.DoesNotExist:
        raise Http404("No such appeal") from None


def item_choices(organization, *, limit: int = 50):
    """Active items, most urgent first, as (id, label) for another app's selector (incidents' "declare from an
    item")."""
    rows = (
        ReviewItem.objects.filter(organization=organization, state__in=ReviewItem.ACTIVE_STATES)
        .order_by("-priority", "due_at", "id")
        .values_list("pk", "priority", "snapshot_text", "url")[:limit]
    )
    return [(pk, f"#{pk} · {' '.join((text or url or '').split())[:80]}") for pk, _p, text, url in rows]


@dataclass
class QueueFilters:
    status: str = "active"
    priority: int | None = None
    source: str = ""
    network: str = ""
    team_id: int | None = None
    category: str = ""
    assignee: str = ""  # "", "me", "none" or a user id


def queue_filters(params, *, organization) -> QueueFilters:
    """Filters from a query string; values that are not valid (or someone else's team) are ignored."""
    from advocacy.tenancy.models import Team

    status = params.get("status", "active")
    priority = _int(params.get("priority"))
    team_id = _int(params.get("team"))
    if team_id and not Team.objects.filter(organization=organization, pk=team_id).exists():
        team_id = None
    assignee = params.get("assignee", "")
    if assignee not in ("", "me", "none") and _int(assignee) is None:
        assignee = ""
    return QueueFilters(
        status=status if status in STATUS_FILTERS else "active",
        priority=priority if priority in (1, 2, 3, 4) else None,
        source=params.get("source", "") if params.get("source", "") in Source.values else "",
        network=params.get("network", "")[:16],
        team_id=team_id,
        category=params.get("category", "")[:24],
        assignee=assignee,
    )


def _status_q(status: str, now) -> Q:
    if status == "active":
        return Q(state__in=ReviewItem.ACTIVE_STATES)
    if status == "overdue":
        return Q(state__in=ReviewItem.ACTIVE_STATES, due_at__lt=now)
    if status == "all":
        return Q()
    return Q(state=status)


def queue_list(*, organization, filters: QueueFilters, user=None):
    """The queue: items by priority then due time (the partial index on active items serves it)."""
    now = timezone.now()
    qs = ReviewItem.objects.filter(Q(organization=organization) & _status_q(filters.status, now))
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.source:
        qs = qs.filter(sources__contains=[filters.source])
    if filters.network:
        qs = qs.filter(network=filters.network)
    if filters.team_id:
        qs = qs.filter(team_id_at_flag=filters.team_id)
    if filters.category:
        qs = qs.filter(rule_categories__contains=[filters.category])
    if filters.assignee == "me" and user is not None:
        qs = qs.filter(assignee=user)
    elif filters.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee:
        qs = qs.filter(assignee_id=_int(filters.assignee))
    # people are fetched for the page's rows afterwards (no join): the page is read off the queue index in order
    return (
        qs.prefetch_related("member", "assignee")
        .defer("snapshot", "priority_reasons")
        .order_by("-priority", "due_at", "id")
    )


def state_counts(*, organization) -> dict[str, int]:
    """Items per state, and how many active ones are overdue: one query, cached per organization for a minute
    (any write to an item makes it stale; monitoring/review/caching.py)."""
    from .caching import counts_cache

    return counts_cache.get_or_compute(
        (organization.pk,), "states", compute=lambda: _state_counts(organization=organization)
    )


def _state_counts(*, organization) -> dict[str, int]:
    now = timezone.now()
    active = Q(state__in=ReviewItem.ACTIVE_STATES)
    counts = ReviewItem.objects.filter(organization=organization, state__in=ReviewItem.ACTIVE_STATES).aggregate(
        **{state: Count("pk", filter=Q(state=state)) for state in ReviewItem.ACTIVE_STATES},
        overdue=Count("pk", filter=active & Q(due_at__lt=now)),
    )
    return counts


def pending_appeals_count(*, organization) -> int:
    return Appeal.objects.filter(organization=organization, state=Appeal.State.PENDING).count()


def appeal_list(*, organization, state: str = Appeal.State.PENDING):
    qs = Appeal.objects.filter(organization=organization)
    if state in Appeal.State.values:
        qs = qs.filter(state=state)
    return qs.select_related(
        "decision__item", "decision__decided_by", "decision__policy", "member", "decided_by"
    ).order_by("created_at", "id")


@dataclass
class ItemDetail:
    item: ReviewItem
    signals: list
    events: list
    notes: list
    decisions: list
    reports: list
    earlier: list  # the member's decisions on other items
    strikes: int
    posted_at: object = None  # the snapshot's times, parsed for the template
    engagement: list = None


def _parsed(value):
    from django.utils.dateparse import parse_datetime

    return parse_datetime(value) if isinstance(value, str) else None


def _decisions(organization):
    return (
        Decision.objects.filter(organization=organization)
        .select_related("decided_by", "policy")
        .prefetch_related(
            Prefetch(
                "consequences", queryset=Consequence.objects.filter(organization=organization).select_related("course")
            ),
            Prefetch("appeals", queryset=Appeal.objects.filter(organization=organization).select_related("decided_by")),
        )
    )


def item_detail(*, organization, item: ReviewItem) -> ItemDetail:
    """The item page: signals (with their highlights), history, notes, decisions with consequences and appeals,
    reports (the reporter hidden when anonymous), and the member's earlier decisions. Queries do not grow with
    the item's history."""
    signals = list(ItemSignal.objects.filter(organization=organization, item=item).select_related("rule"))
    events = list(ItemEvent.objects.filter(organization=organization, item=item).select_related("actor"))
    reports = list(Report.objects.filter(organization=organization, item=item).select_related("reporter"))
    decisions = list(_decisions(organization).filter(item=item))
    earlier, strikes = [], 0
    if item.member_id:
        earlier = list(_decisions(organization).filter(member_id=item.member_id).exclude(item=item)[:10])
        strikes = (
            Consequence.objects.filter(
                organization=organization, member_id=item.member_id, kind=Consequence.Kind.WARNING
            )
            .exclude(status=Consequence.Status.OVERRULED)
            .count()
        )
    return ItemDetail(
        item=item,
        signals=signals,
        events=[e for e in events if e.kind != ItemEvent.Kind.NOTE],
        notes=[e for e in events if e.kind == ItemEvent.Kind.NOTE],
        decisions=decisions,
        reports=reports,
        earlier=earlier,
        strikes=strikes,
        posted_at=_parsed(item.snapshot.get("posted_at")),
        engagement=[{**r, "at": _parsed(r.get("at"))} for r in item.snapshot.get("engagement", [])],
    )


def highlights(text: str, signals) -> list[tuple[str, bool]]:
    """The text cut into (piece, highlighted) at the rule signals' positions (overlaps merged)."""
    spans = sorted((s.start, s.end) for s in signals if s.start is not None and s.end and s.end <= len(text))
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, at = [], 0
    for start, end in merged:
        if start > at:
            parts.append((text[at:start], False))
        parts.append((text[start:end], True))
        at = end
    if at < len(text):
        parts.append((text[at:], False))
    return parts


def sharing_suspension(*, organization, user) -> Consequence | None:
    """The member's sharing suspension in force now (the latest ending), or None: one indexed query."""
    return (
        Consequence.objects.filter(
            organization=organization,
            member=user,
            kind=Consequence.Kind.SUSPENSION,
            status=Consequence.Status.ACTIVE,
            ends_at__gt=timezone.now(),
        )
        .order_by("-ends_at")
        .first()
    )


@dataclass
class MemberRecord:
    decisions: list
    reports: list
    suspension: Consequence | None
    open_tasks: list
    strikes: int
    unseen: int


def member_record(*, organization, user) -> MemberRecord:
    """What a member sees about themselves: decisions about their posts (violations; the reasons, consequences
    and their appeal), their open tasks, a suspension in force, and the reports they filed with the outcome only."""
    decisions = list(
        _decisions(organization)
        .filter(member=user, outcome=ReviewItem.Outcome.VIOLATION)
        .select_related("item")
        .order_by("-decided_at", "-id")[:50]
    )
    consequences = [c for d in decisions for c in d.consequences.all()]
    reports = list(
        Report.objects.filter(organization=organization, reporter=user)
        .select_related("item")
        .order_by("-created_at", "-id")[:50]
    )
    return MemberRecord(
        decisions=decisions,
        reports=reports,
        suspension=sharing_suspension(organization=organization, user=user),
        open_tasks=[
            c
            for c in consequences
            if c.status == Consequence.Status.ACTIVE
            and c.kind in (Consequence.Kind.EDIT_REQUEST, Consequence.Kind.DELETE_REQUEST)
        ],
        strikes=sum(
            1 for c in consequences if c.kind == Consequence.Kind.WARNING and c.status != Consequence.Status.OVERRULED
        ),
        unseen=sum(1 for d in decisions if d.member_seen_at is None),
    )


def report_outcome(report: Report) -> str:
    """What the reporter may know: "review", "action" or "no_action" (never the details)."""
    item = report.item
    if item.state != ReviewItem.State.RESOLVED:
        return "review"
    return "action" if item.outcome == ReviewItem.Outcome.VIOLATION else "no_action"


def unseen_decisions(*, organization, user) -> int:
    return Decision.objects.filter(
        organization=organization, member=user, outcome=ReviewItem.Outcome.VIOLATION, member_seen_at__isnull=True
    ).count()


@dataclass
class RulePrecision:
    rule_id: int
    name: str
    category: str
    flagged: int
    decided: int
    violations: int
    percent: int | None
    below: bool


def rule_precision(*, organization, days: int = PRECISION_DAYS) -> list[RulePrecision]:
    """Per rule, over the last `days`: items it flagged, how many were decided, how many of those were judged
    violations (overturned appeals count as not), and whether that share is below the organization's threshold.
    One query for the counts, one for the settings."""
    since = timezone.now() - timedelta(days=days)
    resolved = Q(item__state=ReviewItem.State.RESOLVED)
    rows = (
        ItemSignal.objects.filter(
            organization=organization, source=Source.RULE, rule__isnull=False, created_at__gte=since
        )
        .values("rule_id", "rule__name", "rule__category")
        .annotate(
            flagged=Count("item", distinct=True),
            decided=Count("item", distinct=True, filter=resolved),
            violations=Count("item", distinct=True, filter=resolved & Q(item__outcome=ReviewItem.Outcome.VIOLATION)),
        )
        .order_by("rule__name")
    )
    threshold = settings_for(organization).precision_threshold
    out = []
    for row in rows:
        percent = round(100 * row["violations"] / row["decided"]) if row["decided"] else None
        out.append(
            RulePrecision(
                rule_id=row["rule_id"],
                name=row["rule__name"],
                category=row["rule__category"],
                flagged=row["flagged"],
                decided=row["decided"],
                violations=row["violations"],
                percent=percent,
                below=percent is not None and percent < threshold,
            )
        )
    return out


def rule_precision_by_rule(*, organization) -> dict[int, RulePrecision]:
    """For the rules page (monitoring): rule id -> its precision over 90 days."""
    return {row.rule_id: row for row in rule_precision(organization=organization)}


def has_open_item(*, organization, post_ids) -> set[int]:
    """Which of these posts have an active review item."""
    return set(
        ReviewItem.objects.filter(
            organization=organization, post_id__in=list(post_ids), state__in=ReviewItem.ACTIVE_STATES
        ).values_list("post_id", flat=True)
    )
