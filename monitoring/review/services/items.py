"""Review items from signals: one item per target, in bulk. A new signal joins the target's open item, or
reopens a resolved one with the new reason (a report or the sample on a post judged harmless joins it quietly);
a replayed signal (same key) stores nothing. Priority is computed from all of an item's signals, with its
reasons; the due time follows the organization's service levels."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.tenancy.models import Organization

from .. import signals as review_signals
from ..models import ItemEvent, ItemSignal, Priority, ReviewItem, Source
from .common import due_for, send_item_event, settings_for

SEVERITY = {"low": Priority.LOW, "medium": Priority.MEDIUM, "high": Priority.HIGH, "critical": Priority.CRITICAL}
SERIOUS_REPORTS = {"confidential", "harassment"}
NEGATIVE = -0.5  # a compound sentiment at or below this is negative enough to raise a flagged post's priority
REPORTS_TO_RAISE = 3  # this many reports raise the priority one level
QUIET_ON_HARMLESS = {Source.REPORT, Source.SAMPLE}


@dataclass
class Target:
    """What an item is about, and the snapshot to keep when the item is created."""

    key: str
    post_id: int | None = None
    share_id: int | None = None
    url: str = ""
    member_id: int | None = None
    team_id: int | None = None
    network: str = ""
    snapshot: dict = field(default_factory=dict)


@dataclass
class Spec:
    """One signal about a target; `key` is unique per item (a replay stores nothing)."""

    key: str
    source: str
    reason: str
    rule_id: int | None = None
    rule_name: str = ""
    rule_category: str = ""
    severity: str = ""
    matched_text: str = ""
    start: int | None = None
    end: int | None = None
    sentiment: float | None = None
    growth: int | None = None
    report_category: str = ""


def url_key(url: str) -> str:
    normal = url.strip().lower().rstrip("/")
    return "url:" + hashlib.sha256(normal.encode()).hexdigest()[:40]


def _level(signal: ItemSignal) -> tuple[int, str]:
    source = signal.source
    if source == Source.RULE:
        level = SEVERITY.get(signal.severity, Priority.MEDIUM)
        return level, _("Rule “%(rule)s” matched “%(text)s” (%(severity)s)") % {
            "rule": signal.rule_name,
            "text": signal.matched_text,
            "severity": Priority(level).label.lower(),
        }
    if source == Source.REPORT:
        level = Priority.HIGH if signal.rule_category in SERIOUS_REPORTS else Priority.MEDIUM
        return level, signal.reason
    if source == Source.VIRALITY:
        return Priority.CRITICAL, signal.reason
    if source == Source.MANUAL:
        return Priority.MEDIUM, signal.reason
    return Priority.LOW, signal.reason  # the sample; sentiment only raises (below)


def compute_priority(item_signals: list[ItemSignal]) -> tuple[int, list[str], int]:
    """(priority, its reasons, score) from every signal of an item: the highest level any signal asks for,
    one level more for negative sentiment together with a rule, and one more for several reports."""
    if not item_signals:
        return Priority.LOW, [], 0
    levels = [_level(s) for s in item_signals if s.source != Source.SENTIMENT]
    level = max((lvl for lvl, _reason in levels), default=Priority.LOW)
    reasons = list(dict.fromkeys(reason for lvl, reason in levels if lvl == level))
    sentiment = [s for s in item_signals if s.source == Source.SENTIMENT]
    if sentiment and any(s.source == Source.RULE for s in item_signals):
        level = min(level + 1, Priority.CRITICAL)
        reasons.append(sentiment[0].reason)
    reports = sum(1 for s in item_signals if s.source == Source.REPORT)
    if reports >= REPORTS_TO_RAISE:
        level = min(level + 1, Priority.CRITICAL)
        reasons.append(_("%(count)s reports by colleagues") % {"count": reports})
    score = sum(s.weight for s in item_signals)
    return int(level), reasons[:6], score


def ensure_items(organization, targets: list[Target], *, now=None) -> tuple[dict[str, ReviewItem], set[str]]:
    """The items of `targets` under their row locks, created where missing: (items by target key, keys created
    now). Concurrent callers for the same target end with one item (the unique key; a conflict is re-read)."""
    now = now or timezone.now()
    cfg = settings_for(organization)
    keys = list(dict.fromkeys(t.key for t in targets))
    existing = set(
        ReviewItem.objects.filter(organization=organization, target_key__in=keys).values_list("target_key", flat=True)
    )
    fresh = []
    for target in {t.key: t for t in targets}.values():
        if target.key in existing:
            continue
        fresh.append(
            ReviewItem(
                organization=organization,
                target_key=target.key,
                post_id=target.post_id,
                share_id=target.share_id,
                url=target.url[:1000],
                member_id=target.member_id,
                team_id_at_flag=target.team_id,
                network=target.network,
                snapshot=target.snapshot,
                snapshot_text=target.snapshot.get("text", ""),
                due_at=due_for(cfg, Priority.LOW, now),
                created_at=now,
                updated_at=now,
            )
        )
    ReviewItem.objects.bulk_create(fresh, ignore_conflicts=True)
    items = {
        i.target_key: i
        for i in ReviewItem.objects.select_for_update(of=("self",)).filter(
            organization=organization, target_key__in=keys
        )
    }
    return items, {t.target_key for t in fresh}


def _signal_row(organization, item: ReviewItem, spec: Spec, now) -> ItemSignal:
    return ItemSignal(
        organization=organization,
        item=item,
        key=spec.key[:80],
        source=spec.source,
        rule_id=spec.rule_id,
        rule_name=spec.rule_name[:120],
        rule_category=(spec.rule_category or spec.report_category)[:24],
        severity=spec.severity,
        matched_text=spec.matched_text[:500],
        start=spec.start,
        end=spec.end,
        sentiment=spec.sentiment,
        growth=spec.growth,
        reason=spec.reason[:500],
        created_at=now,
    )


def add_signals(
    organization, items: dict[str, ReviewItem], created: set[str], specs: dict[str, list[Spec]], *, actor=None, now=None
) -> list[ReviewItem]:
    """Store the new signals of locked `items` and bring each touched item up to date: priority and reasons,
    due time, sources and categories; reopen a resolved item; one history event each. Returns the touched
    items. Queries do not grow with the number of items."""
    now = now or timezone.now()
    known = set(
        ItemSignal.objects.filter(organization=organization, item__in=list(items.values())).values_list(
            "item_id", "key"
        )
    )
    new_by_item: dict[int, list[ItemSignal]] = defaultdict(list)
    for key, item_specs in specs.items():
        item = items.get(key)
        for spec in item_specs if item else ():
            if (item.pk, spec.key[:80]) not in known:
                known.add((item.pk, spec.key[:80]))
                new_by_item[item.pk].append(_signal_row(organization, item, spec, now))
    rows = [row for group in new_by_item.values() for row in group]
    if not rows:
        return []
    ItemSignal.objects.bulk_create(rows, ignore_conflicts=True)
    by_item: dict[int, list[ItemSignal]] = defaultdict(list)
    for s in ItemSignal.objects.filter(organization=organization, item_id__in=list(new_by_item)).order_by(
        "created_at", "id"
    ):
        by_item[s.item_id].append(s)
    cfg = settings_for(organization)
    touched, events, viral = [], [], []
    for item in items.values():
        fresh = new_by_item.get(item.pk)
        if not fresh:
            continue
        kind = _bring_up_to_date(cfg, item, by_item[item.pk], fresh, item.target_key in created, now)
        reasons = "; ".join(s.reason for s in fresh)
        events.append(
            ItemEvent(organization=organization, item=item, kind=kind, actor=actor, text=reasons[:2000], created_at=now)
        )
        if any(s.source == Source.VIRALITY for s in fresh):
            viral.append((item.pk, item.post_id, max(s.growth or 0 for s in fresh)))
        touched.append(item)
    ReviewItem.objects.bulk_update(
        touched,
        [
            "priority",
            "priority_reasons",
            "score",
            "due_at",
            "sources",
            "rule_categories",
            "state",
            "reopen_count",
            "outcome",
            "escalated_to",
            "escalation_contact",
            "version",
            "updated_at",
            "viral_at",
        ],
    )
    ItemEvent.objects.bulk_create(events)
    for item, ev in zip(touched, events, strict=True):
        send_item_event(item, ev.kind, ev.text)
    _send_viral(organization, viral)
    return touched


def _bring_up_to_date(cfg, item: ReviewItem, all_signals, fresh, created: bool, now) -> str:
    priority, reasons, score = compute_priority(all_signals)
    item.sources = sorted({s.source for s in all_signals})
    item.rule_categories = sorted({s.rule_category for s in all_signals if s.source == Source.RULE and s.rule_category})
    item.priority_reasons, item.score = reasons, score
    if any(s.source == Source.VIRALITY for s in fresh):
        item.viral_at = item.viral_at or now
    kind = ItemEvent.Kind.SIGNAL
    if created:
        kind = ItemEvent.Kind.CREATED
        item.due_at = due_for(cfg, priority, item.created_at)
    elif item.state == ReviewItem.State.RESOLVED:
        quiet = item.outcome in (ReviewItem.Outcome.NO_VIOLATION, ReviewItem.Outcome.IGNORE) and all(
            s.source in QUIET_ON_HARMLESS for s in fresh
        )
        if not quiet:
            item.reopen()
            item.due_at = due_for(cfg, priority, now)
            kind = ItemEvent.Kind.REOPENED
    elif priority > item.priority:
        item.due_at = min(item.due_at, due_for(cfg, priority, now))
    item.priority = priority
    item.version += 1
    item.updated_at = now
    return kind


def _send_viral(organization, viral: list[tuple[int, int | None, int]]) -> None:
    if not viral:
        return
    organization_id = organization.pk

    def send():
        org = Organization.objects.get(pk=organization_id)
        for item_id, post_id, growth in viral:
            review_signals.item_went_viral.send(
                sender=ReviewItem, organization=org, item_id=item_id, post_id=post_id, growth=growth
            )

    transaction.on_commit(send, robust=True)


@transaction.atomic
def signals_apply(organization, targets: list[Target], specs: dict[str, list[Spec]], *, actor=None) -> list[ReviewItem]:
    """Create or join the items of `targets` with `specs` (target key -> signals): the one entry point."""
    if not targets:
        return []
    now = timezone.now()
    items, created = ensure_items(organization, targets, now=now)
    return add_signals(organization, items, created, specs, actor=actor, now=now)
