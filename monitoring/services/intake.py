"""Storing what a pull brings in: members' posts (with an engagement snapshot per post and run) and brand
mentions, each with language, sentiment and rule matches, in batches.

Idempotent by construction: rows are upserted on their unique keys, the times written are the run's (so a
page replayed within the same run writes the same values), rows whose values did not change are not written,
snapshots are one per post and run, matches are kept by (target, rule, position). A replayed page changes
nothing and duplicates nothing. After the transaction commits, `post_checked` / `mention_checked` (and
`engagement_pulled`) name the rows that were stored or changed, once per batch (monitoring/signals.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from monitoring.models import ConnectedAccount, EngagementSnapshot, Mention, Post, RuleMatch
from monitoring.networks.base import PulledPost
from monitoring.signals import engagement_pulled, mention_checked, post_checked

from .attribution import Attribution, attribute, links_of
from .checking import Evaluation, IntakeContext, context_for, evaluate

POST_FIELDS = (
    "user_id",
    "account_id",
    "url",
    "text",
    "links",
    "hashtags",
    "posted_at",
    "edited_at",
    "deleted_at",
    "share_id",
    "content_item_id",
    "campaign_id",
    "likes",
    "reposts",
    "replies",
    "quotes",
    "last_seen_at",
)
SCORE_FIELDS = (
    "language",
    "sentiment_compound",
    "sentiment_positive",
    "sentiment_neutral",
    "sentiment_negative",
    "sentiment_state",
    "sentiment_model",
    "lexicon_version",
    "rules_version",
)
MENTION_FIELDS = (
    "url",
    "author_handle",
    "author_name",
    "text",
    "links",
    "hashtags",
    "posted_at",
    "matched_terms",
    "likes",
    "reposts",
    "replies",
    "quotes",
    "last_seen_at",
)


def _update_fields(fields: Iterable[str]) -> list[str]:
    return [f.removesuffix("_id") for f in fields]


def _latest(pulled: Iterable[PulledPost]) -> list[PulledPost]:
    """One per external id (the last one wins), in order."""
    return list({item.external_id: item for item in pulled}.values())


def _changed(old, new, fields) -> bool:
    return any(getattr(old, f) != getattr(new, f) for f in fields)


def _apply(row, evaluation: Evaluation, context: IntakeContext) -> None:
    for name, value in evaluation.sentiment_fields().items():
        setattr(row, name, value)
    row.lexicon_version = context.lexicon_version
    row.rules_version = context.rules_version


def _copy_scores(row, old) -> None:
    for name in SCORE_FIELDS:
        setattr(row, name, getattr(old, name))


def _needs_check(old, row, context: IntakeContext, attribution_changed: bool) -> bool:
    return (
        old is None
        or old.text != row.text
        or old.links != row.links
        or old.hashtags != row.hashtags
        or attribution_changed
        or old.rules_version != context.rules_version
        or old.lexicon_version != context.lexicon_version
    )


# --- members' posts ---------------------------------------------------------------------------------------


def _post_row(*, organization, account, item: PulledPost, old, attribution: Attribution, seen_at) -> Post:
    """The row to store (scores are set by the check or copied; first_seen_at is kept on an update)."""
    edited_at = old.edited_at if old is not None else None
    if item.edited_at is not None:
        edited_at = item.edited_at
    elif old is not None and old.text != item.text:
        edited_at = seen_at  # the network did not say when: the pull that noticed it
    return Post(
        organization_id=organization.pk,
        account_id=account.pk,
        user_id=account.user_id,
        network=item.network or account.network,
        external_id=item.external_id,
        url=item.url[:1000],
        text=item.text,
        links=list(item.links),
        hashtags=[tag[:200] for tag in item.hashtags],
        posted_at=item.posted_at,
        edited_at=edited_at,
        deleted_at=None,
        share_id=attribution.share_id,
        content_item_id=attribution.content_item_id,
        campaign_id=attribution.campaign_id,
        likes=item.counts.likes,
        reposts=item.counts.reposts,
        replies=item.counts.replies,
        quotes=item.counts.quotes,
        first_seen_at=seen_at,
        last_seen_at=seen_at,
    )


def _check_post(context, row: Post, attribution: Attribution, hint: str = "") -> list:
    evaluation = evaluate(
        context,
        text=row.text,
        links=row.links,
        hashtags=row.hashtags,
        language_hint=hint,
        member_post=True,
        employer_link=attribution.link,
    )
    _apply(row, evaluation, context)
    return evaluation.checked.matches


@transaction.atomic
def posts_ingest(*, organization, account, run, pulled: list[PulledPost]) -> list[int]:
    """Store one page of an account's posts; returns the ids of the page's posts (deleted ones included)."""
    pulled = _latest(pulled)
    if not pulled:
        return []
    context = context_for(organization)
    seen_at = run.started_at
    existing = {
        p.external_id: p
        for p in Post.objects.filter(
            organization=organization, network=account.network, external_id__in=[i.external_id for i in pulled]
        )
    }
    live = [item for item in pulled if not item.deleted]
    attributions = attribute(
        organization=organization, posts=[(account.user_id, links_of(i.text, i.links)) for i in live]
    )
    rows, to_check, unchanged_ids = [], {}, []
    for item, attribution in zip(live, attributions, strict=True):
        old = existing.get(item.external_id)
        row = _post_row(
            organization=organization, account=account, item=item, old=old, attribution=attribution, seen_at=seen_at
        )
        moved = old is not None and (old.share_id, old.content_item_id) != (row.share_id, row.content_item_id)
        if _needs_check(old, row, context, moved):
            to_check[item.external_id] = _check_post(context, row, attribution, item.language)
        else:
            _copy_scores(row, old)
        if old is not None and item.external_id not in to_check and not _changed(old, row, POST_FIELDS):
            unchanged_ids.append(old.pk)
            continue
        rows.append(row)
    deleted = [existing[i.external_id] for i in pulled if i.deleted and i.external_id in existing]
    deleted_ids = [p.pk for p in deleted if p.deleted_at is None]
    if deleted_ids:
        Post.objects.filter(organization=organization, pk__in=deleted_ids).update(deleted_at=seen_at)
    if rows:  # PostgreSQL returns every row's id, inserted or updated
        Post.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["organization", "network", "external_id"],
            update_fields=_update_fields(POST_FIELDS + SCORE_FIELDS),
        )
    checked = {row.external_id: row.pk for row in rows}
    _sync_matches(
        organization,
        "post",
        {checked[ext]: matches for ext, matches in to_check.items()},
        fresh={row.pk for row in rows if row.external_id not in existing},
    )
    live_ids = [row.pk for row in rows] + unchanged_ids
    snapshot_ids = _snapshots(organization, run, live, {**{p.external_id: p.pk for p in existing.values()}, **checked})
    changed_ids = sorted({row.pk for row in rows} | set(deleted_ids))
    _send_on_commit(organization, changed_ids, snapshot_ids, run)
    return sorted(set(live_ids) | {p.pk for p in deleted})


def _snapshots(organization, run, live: list[PulledPost], ids: dict[str, int]) -> list[int]:
    """One snapshot per post and run (those the run already stored are left alone: the unique key): the ids of
    posts that got one now."""
    day, keep = run.started_at.date(), organization.click_retention_months
    wanted = {ids[i.external_id]: i for i in live if i.external_id in ids}
    taken = set(
        EngagementSnapshot.objects.filter(organization=organization, run=run, post_id__in=wanted).values_list(
            "post_id", flat=True
        )
    )
    new = [
        EngagementSnapshot(
            organization_id=organization.pk,
            post_id=post_id,
            run_id=run.pk,
            taken_at=run.started_at,
            day=day,
            keep_months=keep,
            likes=item.counts.likes,
            reposts=item.counts.reposts,
            replies=item.counts.replies,
            quotes=item.counts.quotes,
        )
        for post_id, item in wanted.items()
        if post_id not in taken
    ]
    # one pull of an account at a time (pulls' advisory lock); the unique key still stops a replay
    EngagementSnapshot.objects.bulk_create(new, ignore_conflicts=True)
    return sorted(snapshot.post_id for snapshot in new)


def _send_on_commit(organization, changed_ids: list[int], snapshot_ids: list[int], run) -> None:
    if changed_ids:
        transaction.on_commit(lambda: post_checked.send(sender=Post, organization=organization, post_ids=changed_ids))
    if snapshot_ids:
        transaction.on_commit(
            lambda: engagement_pulled.send(
                sender=EngagementSnapshot, organization=organization, post_ids=snapshot_ids, run_id=run.pk
            )
        )


# --- matches ------------------------------------------------------------------------------------------------


def _sync_matches(organization, target: str, found: dict[int, list], *, fresh: set[int] = frozenset()) -> None:
    """Make the stored matches of each checked target (post or mention id -> engine matches) what was found:
    matches still found stay as they are (their ids do not change), gone ones are deleted, new ones added."""
    if not found:
        return
    column = f"{target}_id"
    stale, keep = [], set()
    rechecked = [pk for pk in found if pk not in fresh]
    if rechecked:
        current = RuleMatch.objects.filter(organization=organization, **{f"{column}__in": rechecked}).values_list(
            "id", column, "rule_id", "start", "end", "matched_text"
        )
        wanted = {(pk, m.rule_id, m.start, m.end, m.text[:500]) for pk, matches in found.items() for m in matches}
        for match_id, pk, rule_id, start, end, text in current:
            if (pk, rule_id, start, end, text) in wanted:
                keep.add((pk, rule_id, start, end))
            else:
                stale.append(match_id)
    if stale:
        RuleMatch.objects.filter(organization=organization, pk__in=stale).delete()
    now = timezone.now()
    new = [
        RuleMatch(
            organization_id=organization.pk,
            rule_id=m.rule_id,
            matched_text=m.text[:500],
            start=m.start,
            end=m.end,
            created_at=now,
            **{column: pk},
        )
        for pk, matches in found.items()
        for m in matches
        if (pk, m.rule_id, m.start, m.end) not in keep
    ]
    RuleMatch.objects.bulk_create(new, ignore_conflicts=True)


# --- brand mentions -----------------------------------------------------------------------------------------


def _mention_row(*, organization, item: PulledPost, terms: list[str], seen_at) -> Mention:
    return Mention(
        organization=organization,
        network=item.network,
        external_id=item.external_id,
        url=item.url[:1000],
        author_handle=item.author_handle[:255],
        author_name=item.author_name[:255],
        text=item.text,
        links=list(item.links),
        hashtags=list(item.hashtags),
        posted_at=item.posted_at,
        matched_terms=[t[:200] for t in terms],
        likes=item.counts.likes,
        reposts=item.counts.reposts,
        replies=item.counts.replies,
        quotes=item.counts.quotes,
        first_seen_at=seen_at,
        last_seen_at=seen_at,
    )


def _brand_terms(evaluation: Evaluation, item: PulledPost, designated: set[str]) -> list[str]:
    """The brand terms and designated hashtags the mention carries (in its text or its tags)."""
    tags = {t.lower().lstrip("#") for t in item.hashtags} & designated
    return list(dict.fromkeys([*evaluation.checked.brand_terms, *(f"#{t}" for t in sorted(tags))]))


def _member_handles(organization, pulled: list[PulledPost]) -> set[tuple[str, str]]:
    handles = {i.author_handle.lower().lstrip("@") for i in pulled if i.author_handle}
    if not handles:
        return set()
    rows = ConnectedAccount.objects.filter(organization=organization).values_list("network", "handle")
    return {(network, handle.lower().lstrip("@")) for network, handle in rows if handle.lower().lstrip("@") in handles}


@transaction.atomic
def mentions_ingest(*, organization, run, pulled: list[PulledPost]) -> list[int]:
    """Store one page of brand mentions by people who are not members (members' own posts are skipped: their
    pulls bring them in). A mention its author deleted is deleted here too. Returns the stored mentions' ids."""
    pulled = _latest(pulled)
    members = _member_handles(organization, pulled)
    pulled = [i for i in pulled if (i.network, i.author_handle.lower().lstrip("@")) not in members]
    if not pulled:
        return []
    context = context_for(organization)
    existing = {
        (m.network, m.external_id): m
        for m in Mention.objects.filter(organization=organization, external_id__in=[i.external_id for i in pulled])
    }
    gone = [
        existing[(i.network, i.external_id)].pk for i in pulled if i.deleted and (i.network, i.external_id) in existing
    ]
    if gone:
        Mention.objects.filter(organization=organization, pk__in=gone).delete()
    designated = {t.lower().lstrip("#") for t in context.settings.hashtags}
    rows, to_check, kept_ids = [], {}, []
    for item in (i for i in pulled if not i.deleted):
        key = (item.network, item.external_id)
        old = existing.get(key)
        if _mention_stale(old, item, context):
            evaluation = evaluate(
                context, text=item.text, links=item.links, hashtags=item.hashtags, language_hint=item.language
            )
            row = _mention_row(
                organization=organization,
                item=item,
                terms=_brand_terms(evaluation, item, designated),
                seen_at=run.started_at,
            )
            _apply(row, evaluation, context)
            to_check[key] = evaluation.checked.matches
        else:
            row = _mention_row(organization=organization, item=item, terms=old.matched_terms, seen_at=run.started_at)
            _copy_scores(row, old)
            if not _changed(old, row, MENTION_FIELDS):
                kept_ids.append(old.pk)
                continue
        rows.append(row)
    if rows:
        Mention.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["organization", "network", "external_id"],
            update_fields=_update_fields(MENTION_FIELDS + SCORE_FIELDS),
        )
    ids = {(row.network, row.external_id): row.pk for row in rows}
    _sync_matches(
        organization,
        "mention",
        {ids[key]: matches for key, matches in to_check.items()},
        fresh={pk for key, pk in ids.items() if key not in existing},
    )
    changed = sorted(ids.values())
    if changed:
        transaction.on_commit(
            lambda: mention_checked.send(sender=Mention, organization=organization, mention_ids=changed)
        )
    return sorted(set(changed) | set(kept_ids))


def _mention_stale(old, item: PulledPost, context: IntakeContext) -> bool:
    return (
        old is None
        or old.text != item.text
        or old.rules_version != context.rules_version
        or old.lexicon_version != context.lexicon_version
    )
