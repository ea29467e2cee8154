"""Campaigns: create, edit, launch (publishing their drafts) and end."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from advocacy.audit.services import audit_record

from ..models import Campaign, CampaignHashtag, CampaignTeam, ContentItem
from ..validation import clean_text
from .items import publish
from .relations import hashtags_from, refresh_item, set_links, teams_from


def _campaign_fields(organization, *, name, goal, description, starts_on, ends_on, share_goal):
    name = clean_text(name)[:120]
    errors = {}
    if not name:
        errors["name"] = "Give the campaign a name."
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = "The campaign must end on or after its start."
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "goal": clean_text(goal)[:240],
        "description": clean_text(description),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "share_goal": max(0, int(share_goal or 0)),
    }


@transaction.atomic
def campaign_create(
    *,
    organization,
    actor,
    name: str,
    goal: str = "",
    description: str = "",
    starts_on=None,
    ends_on=None,
    hashtag_ids=(),
    team_ids=(),
    share_goal: int = 0,
) -> Campaign:
    fields = _campaign_fields(
        organization,
        name=name,
        goal=goal,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        share_goal=share_goal,
    )
    hashtags, teams = hashtags_from(organization, hashtag_ids), teams_from(organization, team_ids)
    campaign = Campaign.objects.create(organization=organization, created_by=actor, **fields)
    set_links(organization, CampaignHashtag, "campaign", campaign, "hashtag", hashtags)
    set_links(organization, CampaignTeam, "campaign", campaign, "team", teams)
    audit_record(organization=organization, actor=actor, action="campaign.created", target=campaign)
    return campaign


@transaction.atomic
def campaign_update(
    *,
    organization,
    actor,
    campaign: Campaign,
    name: str,
    goal: str = "",
    description: str = "",
    starts_on=None,
    ends_on=None,
    hashtag_ids=(),
    team_ids=(),
    share_goal: int = 0,
) -> Campaign:
    fields = _campaign_fields(
        organization,
        name=name,
        goal=goal,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        share_goal=share_goal,
    )
    hashtags, teams = hashtags_from(organization, hashtag_ids), teams_from(organization, team_ids)
    for key, value in fields.items():
        setattr(campaign, key, value)
    campaign.save()
    set_links(organization, CampaignHashtag, "campaign", campaign, "hashtag", hashtags)
    if set_links(organization, CampaignTeam, "campaign", campaign, "team", teams):
        for item in ContentItem.objects.filter(organization=organization, campaign=campaign):
            refresh_item(organization, item)
    audit_record(organization=organization, actor=actor, action="campaign.updated", target=campaign)
    return campaign


@transaction.atomic
def campaign_launch(*, organization, actor, campaign: Campaign) -> int:
    """Start the campaign and publish its draft items; returns how many were published."""
    if campaign.status == Campaign.Status.ACTIVE:
        return 0
    campaign.status = Campaign.Status.ACTIVE
    campaign.launched_at = timezone.now()
    if not campaign.starts_on:
        campaign.starts_on = timezone.localdate()
    campaign.save(update_fields=["status", "launched_at", "starts_on"])
    drafts = list(
        ContentItem.objects.filter(organization=organization, campaign=campaign, status=ContentItem.Status.DRAFT)
    )
    for item in drafts:
        publish(organization, actor, item)
    audit_record(
        organization=organization,
        actor=actor,
        action="campaign.launched",
        target=campaign,
        data={"published_items": len(drafts)},
    )
    return len(drafts)


@transaction.atomic
def campaign_end(*, organization, actor, campaign: Campaign) -> Campaign:
    campaign.status = Campaign.Status.ENDED
    if not campaign.ends_on:
        campaign.ends_on = timezone.localdate()
    campaign.save(update_fields=["status", "ends_on"])
    audit_record(organization=organization, actor=actor, action="campaign.ended", target=campaign)
    return campaign
