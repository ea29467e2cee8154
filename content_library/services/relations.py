"""The link tables of items and campaigns (topics, hashtags, teams): ids checked against the
organization, links set to exactly what was chosen, and the counters and search text they feed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from advocacy.tenancy.models import Team

from ..models import Campaign, CampaignTeam, ContentHashtag, ContentItem, ContentTeam, Hashtag, Topic


def _of_organization(model, organization, ids, *, field: str, message: str) -> list:
    """The rows with these ids, all of them this organization's (else a ValidationError on `field`)."""
    ids = {int(i) for i in ids or []}
    found = list(model.objects.filter(organization=organization, pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({field: message})
    return found


def hashtags_from(organization, ids) -> list[Hashtag]:
    return _of_organization(
        Hashtag, organization, ids, field="hashtags", message="Choose hashtags of this organization."
    )


def topics_from(organization, ids) -> list[Topic]:
    return _of_organization(Topic, organization, ids, field="topics", message="Choose topics of this organization.")


def teams_from(organization, ids) -> list[Team]:
    return _of_organization(Team, organization, ids, field="teams", message="Choose teams of this organization.")


def campaign_from(organization, campaign_id) -> Campaign | None:
    if campaign_id in (None, ""):
        return None
    campaign = Campaign.objects.filter(organization=organization, pk=int(campaign_id)).first()
    if campaign is None:
        raise ValidationError({"campaign": "Choose a campaign of this organization."})
    return campaign


def recount_hashtags(organization, ids) -> None:
    if not ids:
        return
    counts = (
        ContentHashtag.objects.filter(organization=organization, hashtag=OuterRef("pk"))
        .order_by()
        .values("hashtag")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Hashtag.objects.filter(organization=organization, pk__in=ids).update(item_count=Coalesce(Subquery(counts), 0))


def set_links(organization, model, owner_field, owner, other_field, others) -> set[int]:
    """Make the link table say exactly `others` for `owner`; returns the ids that changed."""
    current = set(
        model.objects.filter(organization=organization, **{owner_field: owner}).values_list(
            f"{other_field}_id", flat=True
        )
    )
    wanted = {o.pk for o in others}
    model.objects.filter(
        organization=organization, **{owner_field: owner}, **{f"{other_field}_id__in": current - wanted}
    ).delete()
    model.objects.bulk_create(
        [model(organization=organization, **{owner_field: owner, f"{other_field}_id": pk}) for pk in wanted - current]
    )
    return current ^ wanted


def refresh_item(organization, item: ContentItem) -> None:
    """Recompute the denormalized audience and search text after links change."""
    teams = set(ContentTeam.objects.filter(organization=organization, content=item).values_list("team_id", flat=True))
    if item.campaign_id:
        teams |= set(
            CampaignTeam.objects.filter(organization=organization, campaign_id=item.campaign_id).values_list(
                "team_id", flat=True
            )
        )
    words = [
        f"#{name}"
        for name in Hashtag.objects.filter(organization=organization, items=item).values_list("name", flat=True)
    ]
    words += list(Topic.objects.filter(organization=organization, items=item).values_list("name", flat=True))
    words += list((item.captions or {}).values())
    ContentItem.objects.filter(organization=organization, pk=item.pk).update(
        audience_team_ids=sorted(teams), search_text="\n".join(words)
    )
    item.audience_team_ids = sorted(teams)
