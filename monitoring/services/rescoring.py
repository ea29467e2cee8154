"""Rescoring after the organization's lexicon changed: posts and mentions scored with an older lexicon are
checked again (sentiment, and the rules, whose sentiment conditions depend on it), in batches of `BATCH` in
id order, each batch one transaction (a worker stopped midway keeps the finished batches; the next run
resumes where the versions still differ)."""

from __future__ import annotations

from django.db import transaction

from monitoring.models import Mention, Post
from monitoring.signals import mention_checked, post_checked

from .attribution import attribute, links_of
from .checking import context_for, evaluate
from .intake import SCORE_FIELDS, _apply, _brand_terms, _check_post, _sync_matches

BATCH = 500


@transaction.atomic
def posts_rescore_batch(*, organization, after_id: int = 0, size: int = BATCH) -> int | None:
    """Check again up to `size` posts after `after_id` that were scored with another lexicon version; the last
    id done, or None when there are no more."""
    context = context_for(organization)
    posts = list(
        Post.objects.filter(organization=organization, pk__gt=after_id)
        .exclude(lexicon_version=context.lexicon_version)
        .order_by("pk")[:size]
    )
    if not posts:
        return None
    attributions = attribute(organization=organization, posts=[(p.user_id, links_of(p.text, p.links)) for p in posts])
    found = {
        post.pk: _check_post(context, post, attribution) for post, attribution in zip(posts, attributions, strict=True)
    }
    Post.objects.bulk_update(posts, list(SCORE_FIELDS))
    _sync_matches(organization, "post", found)
    ids = [post.pk for post in posts]
    transaction.on_commit(lambda: post_checked.send(sender=Post, organization=organization, post_ids=ids))
    return posts[-1].pk


@transaction.atomic
def mentions_rescore_batch(*, organization, after_id: int = 0, size: int = BATCH) -> int | None:
    context = context_for(organization)
    mentions = list(
        Mention.objects.filter(organization=organization, pk__gt=after_id)
        .exclude(lexicon_version=context.lexicon_version)
        .order_by("pk")[:size]
    )
    if not mentions:
        return None
    designated = {t.lower().lstrip("#") for t in context.settings.hashtags}
    found = {}
    for mention in mentions:
        evaluation = evaluate(context, text=mention.text, links=mention.links, hashtags=mention.hashtags)
        _apply(mention, evaluation, context)
        mention.matched_terms = _brand_terms(evaluation, mention, designated)
        found[mention.pk] = evaluation.checked.matches
    Mention.objects.bulk_update(mentions, [*SCORE_FIELDS, "matched_terms"])
    _sync_matches(organization, "mention", found)
    ids = [mention.pk for mention in mentions]
    transaction.on_commit(lambda: mention_checked.send(sender=Mention, organization=organization, mention_ids=ids))
    return mentions[-1].pk
