"""What the intake's signals turn into (receivers in receivers.py call these after the intake commits): items
from rule matches, negative sentiment with a rule and the random sample (post_checked); virality and the
engagement over time (engagement_pulled); and the member's edit and delete tasks checked at the next pull."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.tenancy.models import Membership
from monitoring.models import EngagementSnapshot, MonitoringSettings, Post, RuleMatch

from ..models import Consequence, ItemEvent, ReviewItem, Source
from .items import NEGATIVE, Spec, Target, signals_apply

ENGAGEMENT_POINTS_KEPT = 48  # the snapshot keeps this many engagement readings (the newest)


def engagement_of(row) -> int:
    return row.likes + row.reposts + row.replies + row.quotes


def post_snapshot(post: Post) -> dict:
    """The post as it was when it was flagged (kept on the item even if the post changes or goes)."""
    user = post.user
    return {
        "text": post.text,
        "url": post.url,
        "network": post.network,
        "author": user.display_name if user else "",
        "handle": post.account.handle if post.account_id else "",
        "posted_at": post.posted_at.isoformat(),
        "engagement": [_reading(post, timezone.now())],
    }


def _reading(row, at) -> dict:
    return {
        "at": at.isoformat(),
        "likes": row.likes,
        "reposts": row.reposts,
        "replies": row.replies,
        "quotes": row.quotes,
    }


def post_target(post: Post, teams: dict[int, int | None]) -> Target:
    return Target(
        key=f"post:{post.pk}",
        post_id=post.pk,
        share_id=post.share_id,
        url=post.url,
        member_id=post.user_id,
        team_id=teams.get(post.user_id),
        network=post.network,
        snapshot=post_snapshot(post),
    )


def teams_of(organization, user_ids) -> dict[int, int | None]:
    return dict(
        Membership.objects.filter(organization=organization, user_id__in=set(user_ids)).values_list(
            "user_id", "team_id"
        )
    )


def sampled(organization_id: int, post_id: int, percent: int) -> bool:
    """Deterministic per post, so a replayed pull samples the same posts."""
    if percent <= 0:
        return False
    digest = hashlib.sha256(f"{organization_id}:{post_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def _match_spec(match: RuleMatch) -> Spec:
    rule = match.rule
    return Spec(
        key=f"match:{match.pk}",
        source=Source.RULE,
        reason=_("Rule “%(rule)s” matched “%(text)s”") % {"rule": rule.name, "text": match.matched_text},
        rule_id=rule.pk,
        rule_name=rule.name,
        rule_category=rule.category,
        severity=rule.severity,
        matched_text=match.matched_text,
        start=match.start,
        end=match.end,
    )


def _specs_for(post: Post, matches: list[RuleMatch], sample_percent: int) -> list[Spec]:
    specs = [_match_spec(m) for m in matches]
    score = post.sentiment_compound
    if specs and score is not None and score <= NEGATIVE:
        specs.append(
            Spec(
                key="sentiment",
                source=Source.SENTIMENT,
                reason=_("Negative sentiment (%(score).2f) together with a rule") % {"score": score},
                sentiment=score,
            )
        )
    if not specs and sampled(post.organization_id, post.pk, sample_percent):
        specs.append(Spec(key="sample", source=Source.SAMPLE, reason=_("Random sample for quality control")))
    return specs


def items_from_posts(*, organization, post_ids: list[int]) -> list[ReviewItem]:
    """Items for checked posts: their rule matches (enabled rules), negative sentiment with a rule, and the
    organization's random sample of the rest. Also checks the members' edit and delete tasks."""
    posts = list(Post.objects.filter(organization=organization, pk__in=post_ids).select_related("account", "user"))
    if not posts:
        return []
    tasks_check(organization=organization, posts=posts)
    matches: dict[int, list[RuleMatch]] = {}
    for match in RuleMatch.objects.filter(
        organization=organization, post_id__in=[p.pk for p in posts], rule__enabled=True
    ).select_related("rule"):
        matches.setdefault(match.post_id, []).append(match)
    monitoring = MonitoringSettings.objects.filter(organization=organization).first()
    percent = monitoring.sample_percent if monitoring else 0
    teams = teams_of(organization, [p.user_id for p in posts])
    targets, specs = [], {}
    for post in posts:
        if post.deleted_at is not None:
            continue
        post_specs = _specs_for(post, matches.get(post.pk, []), percent)
        if post_specs:
            target = post_target(post, teams)
            targets.append(target)
            specs[target.key] = post_specs
    return signals_apply(organization, targets, specs)


def _growth_by_post(organization, post_ids: list[int]) -> dict[int, tuple]:
    """post id -> (newest snapshot, growth since the one before), from the two newest snapshots of each."""
    rows = (
        EngagementSnapshot.objects.filter(organization=organization, post_id__in=post_ids)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("post_id")], order_by=[F("taken_at").desc(), F("id").desc()])
        )
        .filter(rank__lte=2)
    )
    pairs: dict[int, list] = {}
    for row in rows:
        pairs.setdefault(row.post_id, []).append(row)
    out = {}
    for post_id, pair in pairs.items():
        pair.sort(key=lambda r: r.rank)
        newest = pair[0]
        growth = engagement_of(newest) - engagement_of(pair[1]) if len(pair) > 1 else 0
        out[post_id] = (newest, growth)
    return out


@transaction.atomic
def items_from_engagement(*, organization, post_ids: list[int], run_id: int) -> list[ReviewItem]:
    """Record the engagement readings on the posts' items, and flag virality: a flagged (has an item with a rule
    or report) or negative post whose engagement grew by the organization's threshold or more since the
    previous snapshot gets a virality signal (critical) and `item_went_viral` is sent."""
    growth = _growth_by_post(organization, post_ids)
    if not growth:
        return []
    items = {
        i.post_id: i
        for i in ReviewItem.objects.select_for_update(of=("self",)).filter(
            organization=organization, post_id__in=list(growth)
        )
    }
    _record_readings(items, growth)
    monitoring = MonitoringSettings.objects.filter(organization=organization).first()
    threshold = monitoring.virality_threshold if monitoring else 100
    posts = Post.objects.filter(organization=organization, pk__in=list(growth)).select_related("account", "user")
    candidates = [p for p in posts if growth[p.pk][1] >= threshold > 0 and _flagged_or_negative(p, items.get(p.pk))]
    if not candidates:
        return []
    teams = teams_of(organization, [p.user_id for p in candidates])
    targets, specs = [], {}
    for post in candidates:
        target = post_target(post, teams)
        targets.append(target)
        grew = growth[post.pk][1]
        specs[target.key] = [
            Spec(
                key=f"viral:{run_id}",
                source=Source.VIRALITY,
                reason=_("Engagement grew by %(growth)s since the previous pull (threshold %(threshold)s)")
                % {"growth": grew, "threshold": threshold},
                growth=grew,
            )
        ]
    return signals_apply(organization, targets, specs)


def _flagged_or_negative(post: Post, item: ReviewItem | None) -> bool:
    if post.sentiment_compound is not None and post.sentiment_compound <= NEGATIVE:
        return True
    return item is not None and bool({Source.RULE, Source.REPORT, Source.VIRALITY} & set(item.sources))


def _record_readings(items: dict[int, ReviewItem], growth: dict[int, tuple]) -> None:
    changed = []
    for post_id, item in items.items():
        newest = growth[post_id][0]
        readings = list(item.snapshot.get("engagement", []))
        reading = _reading(newest, newest.taken_at)
        counts = ("likes", "reposts", "replies", "quotes")
        if readings and all(readings[-1].get(k) == reading[k] for k in counts):
            continue  # unchanged since the last reading (or the same run again)
        item.snapshot = {**item.snapshot, "engagement": [*readings, reading][-ENGAGEMENT_POINTS_KEPT:]}
        changed.append(item)
    ReviewItem.objects.bulk_update(changed, ["snapshot"])


def tasks_check(*, organization, posts: list[Post]) -> int:
    """The members' edit and delete requests on these posts, checked against what the pull saw: a deleted post
    fulfils both; an edit after the request fulfils an edit request. Returns how many were fulfilled."""
    by_post = {p.pk: p for p in posts if p.deleted_at or p.edited_at}
    if not by_post:
        return 0
    open_tasks = Consequence.objects.filter(
        organization=organization,
        status=Consequence.Status.ACTIVE,
        kind__in=[Consequence.Kind.EDIT_REQUEST, Consequence.Kind.DELETE_REQUEST],
        decision__item__post_id__in=list(by_post),
    ).select_related("decision__item")
    now, done, events = timezone.now(), [], []
    for task in open_tasks:
        post = by_post[task.decision.item.post_id]
        deleted = post.deleted_at is not None and post.deleted_at >= task.starts_at
        edited = post.edited_at is not None and post.edited_at >= task.starts_at
        if deleted or (edited and task.kind == Consequence.Kind.EDIT_REQUEST):
            task.status, task.fulfilled_at = Consequence.Status.DONE, now
            done.append(task)
            text = _("The member deleted the post.") if deleted else _("The member edited the post.")
            events.append(
                ItemEvent(
                    organization=organization,
                    item=task.decision.item,
                    kind=ItemEvent.Kind.TASK,
                    text=text,
                    created_at=now,
                )
            )
    Consequence.objects.bulk_update(done, ["status", "fulfilled_at"])
    ItemEvent.objects.bulk_create(events)
    return len(done)
