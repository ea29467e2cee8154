"""Topics and hashtags: how content is organized and found."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from advocacy.audit.services import audit_record

from ..models import Hashtag, Topic
from ..validation import clean_hashtag, clean_text
from .sharing import hashtag_share_counts_sync


@transaction.atomic
def topic_create(*, organization, actor, name: str) -> Topic:
    name = clean_text(name)[:60]
    slug = slugify(name)[:60]
    if not slug:
        raise ValidationError({"name": "Enter a topic name."})
    if Topic.objects.filter(organization=organization, slug=slug).exists():
        raise ValidationError({"name": f"There is already a topic “{name}”."})
    return Topic.objects.create(organization=organization, name=name, slug=slug)


@transaction.atomic
def hashtag_create(*, organization, actor, name: str, description: str = "", is_campaign: bool = False) -> Hashtag:
    name = clean_hashtag(name)
    if Hashtag.objects.filter(organization=organization, key=name.lower()).exists():
        raise ValidationError({"name": f"#{name} already exists."})
    hashtag = Hashtag.objects.create(
        organization=organization,
        name=name,
        key=name.lower(),
        description=clean_text(description)[:240],
        is_campaign=is_campaign,
    )
    hashtag_share_counts_sync(organization=organization, hashtag_ids=[hashtag.pk])  # shares may already use it
    hashtag.refresh_from_db(fields=["share_count"])
    audit_record(organization=organization, actor=actor, action="hashtag.created", target=hashtag)
    return hashtag


@transaction.atomic
def hashtag_update(*, organization, actor, hashtag: Hashtag, description: str, is_campaign: bool) -> Hashtag:
    hashtag.description = clean_text(description)[:240]
    hashtag.is_campaign = is_campaign
    hashtag.save(update_fields=["description", "is_campaign"])
    return hashtag
