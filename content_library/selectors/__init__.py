"""Reads of the content library. `organization` always comes first; ids are checked against it."""

from __future__ import annotations

import operator
from datetime import UTC, timedelta
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone

from advocacy.core.cache import read
from advocacy.core.partitioning import RETENTION_CHOICES

from ..caching import PAGE_SIZE, feed_pages, my_networks, page_parts
from ..models import (
    Campaign,
    CampaignTeam,
    ClickDaily,
    ContentItem,
    ContentRevision,
    ContentSettings,
    ContentTeam,
    Hashtag,
    MemberPreference,
    Share,
    ShareDaily,
    Topic,
)
from ..networks import ALL_NETWORKS, Network
from ..validation import SENTINELS
from .shares import item_shared_by_code, shares_for_addresses, shares_of_item  # noqa: F401 - public names

SEARCH_CONFIG = "english"


def _get(model, organization, pk, **extra):
    try:
        return model.objects.get(organization=organization, pk=int(pk), **extra)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No such {model._meta.verbose_name}")


def get_content_for_org(organization, content_id) -> ContentItem:
    try:
        return (
            ContentItem.objects.select_related("campaign", "created_by")
            .prefetch_related("hashtags", "topics")
            .get(organization=organization, pk=int(content_id))
        )
    except (ContentItem.DoesNotExist, ValueError, TypeError):
        raise Http404("No such content")


def get_campaign_for_org(organization, campaign_id) -> Campaign:
    return _get(Campaign, organization, campaign_id)


def get_hashtag_for_org(organization, hashtag_id) -> Hashtag:
    return _get(Hashtag, organization, hashtag_id)


def get_topic_for_org(organization, topic_id) -> Topic:
    return _get(Topic, organization, topic_id)


def get_revision_for_org(organization, revision_id) -> ContentRevision:
    try:
        return ContentRevision.objects.select_related("content", "author", "decided_by").get(
            organization=organization, pk=int(revision_id)
        )
    except (ContentRevision.DoesNotExist, ValueError, TypeError):
        raise Http404("No such revision")


def get_share_for_org(organization, share_id, *, user=None) -> Share:
    extra = {"user": user} if user is not None else {}
    try:
        return Share.objects.select_related("content").get(organization=organization, pk=int(share_id), **extra)
    except (Share.DoesNotExist, ValueError, TypeError):
        raise Http404("No such share")


def settings_for(organization) -> ContentSettings:
    """The organization's sharing settings (the defaults, unsaved, until an admin saves them)."""
    found = ContentSettings.objects.filter(organization=organization).first()
    return found or ContentSettings(organization=organization, networks_enabled=list(ALL_NETWORKS))


def preference_for(organization, user) -> MemberPreference:
    """The member's preferences (the defaults, unsaved, until they save theirs)."""
    found = MemberPreference.objects.filter(organization=organization, user=user).first()
    return found or MemberPreference(organization=organization, user=user)


def is_live_for(*, organization, membership, content: ContentItem) -> bool:
    """Whether the item is live for this member's team (the feed shows it to them)."""
    return live_items(organization=organization, membership=membership).filter(pk=content.pk).exists()


def revision_history(*, organization, content: ContentItem) -> list[ContentRevision]:
    """An item's revisions, newest first, with who wrote and who decided each."""
    return list(
        ContentRevision.objects.filter(organization=organization, content=content)
        .select_related("author", "decided_by")
        .order_by("-number")
    )


def pending_revision(*, organization, content: ContentItem) -> ContentRevision | None:
    """The revision of the item waiting for approval, if any."""
    return ContentRevision.objects.filter(
        organization=organization, content=content, status=ContentRevision.Status.PENDING
    ).first()


def suggestion_revision(*, organization, content: ContentItem) -> ContentRevision:
    """The one revision of a suggestion just made."""
    return ContentRevision.objects.get(organization=organization, content=content)


def team_ids_for(*, organization, content: ContentItem | None = None, campaign: Campaign | None = None) -> list[int]:
    """The teams an item (or a campaign) is meant for; none means everyone."""
    if content is not None:
        rows = ContentTeam.objects.filter(organization=organization, content=content)
    else:
        rows = CampaignTeam.objects.filter(organization=organization, campaign=campaign)
    return list(rows.values_list("team_id", flat=True))


def campaign_hashtags(*, organization, campaign: Campaign) -> list[Hashtag]:
    return list(Hashtag.objects.filter(organization=organization, campaigns=campaign))


def topic_list(*, organization):
    """Topics by name, each with its number of items as `n`."""
    return Topic.objects.filter(organization=organization).annotate(n=Count("items")).order_by("name")


def highlight_parts(text: str | None) -> list[tuple[str, bool]]:
    """A SearchHeadline result as (text, is_match) segments: templates mark the matches."""
    if not text:
        return []
    parts = []
    for index, chunk in enumerate(text.replace(SENTINELS[1], SENTINELS[0]).split(SENTINELS[0])):
        if chunk:
            parts.append((chunk, index % 2 == 1))
    return parts


def live_items(*, organization, membership=None):
    """Published, started, unexpired items this member's team may see."""
    now = timezone.now()
    qs = ContentItem.objects.filter(
        organization=organization, status=ContentItem.Status.PUBLISHED, publish_at__lte=now
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    team_id = getattr(membership, "team_id", None)
    audience = Q(audience_team_ids=[])
    if team_id:
        audience |= Q(audience_team_ids__contains=[team_id])
    return qs.filter(audience)


def _week_shares(organization):
    """An item's confirmed shares "this week" (today and the six days before, UTC), from the daily rollup
    kept by share_confirm. The rollup is partitioned by retention class, then month (services/share_days.py):
    one sub-select per class, each bounded by class and days, reads only that class's one or two months (a
    class alone or a day range alone prunes nothing), and every class is read because a row keeps the class
    its organization had when it was written."""
    today = timezone.now().astimezone(UTC).date()
    per_class = [
        Coalesce(
            Subquery(
                ShareDaily.objects.filter(
                    organization=organization,
                    content=OuterRef("pk"),
                    keep_months=months,
                    day__gte=today - timedelta(days=6),
                    day__lte=today,
                )
                .order_by()
                .values("content")
                .annotate(n=Sum("shares"))
                .values("n")
            ),
            0,
            output_field=IntegerField(),
        )
        for months in RETENTION_CHOICES
    ]
    return reduce(operator.add, per_class)


def feed(
    *,
    organization,
    membership,
    q: str = "",
    topic: Topic | None = None,
    hashtag: Hashtag | None = None,
    campaign: Campaign | None = None,
    sort: str = "newest",
):
    """The employee feed as a queryset (paginate it): newest, most shared this week, or ranked search
    results with highlighted `title_hl` / `summary_hl`."""
    qs = live_items(organization=organization, membership=membership)
    if topic is not None:
        qs = qs.filter(topics=topic)
    if hashtag is not None:
        qs = qs.filter(hashtags=hashtag)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    qs = qs.select_related("campaign").prefetch_related(
        Prefetch("hashtags", queryset=Hashtag.objects.filter(organization=organization).order_by("key"))
    )
    q = (q or "").strip()
    if q:
        query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
        start, stop = SENTINELS
        qs = (
            qs.filter(search_vector=query)
            .annotate(
                rank=SearchRank(F("search_vector"), query),
                title_hl=SearchHeadline(
                    "title", query, config=SEARCH_CONFIG, start_sel=start, stop_sel=stop, highlight_all=True
                ),
                summary_hl=SearchHeadline(
                    "summary", query, config=SEARCH_CONFIG, start_sel=start, stop_sel=stop, max_words=40, min_words=20
                ),
            )
            .order_by("-rank", "-publish_at", "-id")
        )
    elif sort == "popular":
        qs = qs.annotate(week_shares=_week_shares(organization)).order_by(
            "-week_shares", "-share_count", "-publish_at", "-id"
        )
    else:
        qs = qs.order_by("-publish_at", "-id")
    return qs


def my_networks_for(*, organization, user, content_ids) -> dict[int, set[str]]:
    """Which networks the member has already shared each item to (one query)."""
    shared: dict[int, set[str]] = {}
    rows = Share.objects.filter(
        organization=organization, user=user, content_id__in=list(content_ids), status=Share.Status.CONFIRMED
    ).values_list("content_id", "network")
    for content_id, network in rows:
        shared.setdefault(content_id, set()).add(network)
    return shared


def content_list(*, organization, membership, every_item: bool = False):
    """Items with their hashtags and topics: every item of the organization (`every_item`, for
    curators), else the items live for the member's team."""
    if every_item:
        qs = ContentItem.objects.filter(organization=organization)
    else:
        qs = live_items(organization=organization, membership=membership)
    return qs.prefetch_related("hashtags", "topics")


def feed_for_api(
    *,
    organization,
    membership,
    q: str = "",
    topic: Topic | None = None,
    hashtag: Hashtag | None = None,
    campaign: Campaign | None = None,
):
    """The API's feed, each item with its topics: ranked search results for `q`, else newest id first
    (the order of its cursor)."""
    qs = feed(
        organization=organization, membership=membership, q=q, topic=topic, hashtag=hashtag, campaign=campaign
    ).prefetch_related("topics")
    return qs if q else qs.order_by("-id")


def share_list(*, organization, user):
    """Every share of the member, prepared or confirmed."""
    return Share.objects.filter(organization=organization, user=user)


def revision_list(*, organization, status: str = ""):
    qs = ContentRevision.objects.filter(organization=organization).select_related("author")
    return qs.filter(status=status) if status else qs


def filter_choices(*, organization) -> dict:
    """The feed's filter choices as (pk, label) pairs; read only when the filter form's cached fragment
    (content_library.caching.feed_filters) is missing or stale."""
    topics = Topic.objects.filter(organization=organization).order_by("name").values_list("pk", "name")
    hashtags = Hashtag.objects.filter(organization=organization).order_by("key").values_list("pk", "name")
    campaigns = Campaign.objects.filter(organization=organization, status=Campaign.Status.ACTIVE).order_by("name")
    return {
        "topics": list(topics),
        "hashtags": [(pk, f"#{name}") for pk, name in hashtags],
        "campaigns": list(campaigns.values_list("pk", "name")),
    }


def library_list(*, organization, status: str = "", q: str = "", campaign: Campaign | None = None):
    """Every item, for curators."""
    qs = ContentItem.objects.filter(organization=organization).select_related("campaign", "created_by")
    if status:
        qs = qs.filter(status=status)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if q.strip():
        qs = qs.filter(Q(title__icontains=q.strip()) | Q(url__icontains=q.strip()))
    return qs.prefetch_related(
        Prefetch("revisions", queryset=ContentRevision.objects.filter(status=ContentRevision.Status.PENDING))
    ).order_by("-updated_at", "-id")


def hashtag_list(*, organization, q: str = ""):
    qs = Hashtag.objects.filter(organization=organization)
    if q.strip():
        qs = qs.filter(key__icontains=q.strip().lstrip("#").lower())
    return qs.order_by("-is_campaign", "-item_count", "key")


def campaign_list(*, organization, status: str = "", include_drafts: bool = True, with_item_count: bool = True):
    """Campaigns with their hashtags (drafts only when `include_drafts`), each with its `item_count`."""
    qs = Campaign.objects.filter(organization=organization).prefetch_related(
        Prefetch("hashtags", queryset=Hashtag.objects.filter(organization=organization).order_by("key"))
    )
    if status:
        qs = qs.filter(status=status)
    if not include_drafts:
        qs = qs.exclude(status=Campaign.Status.DRAFT)
    if not with_item_count:  # the API's pages (ordered by their cursor)
        return qs
    return qs.annotate(item_count=Count("items", distinct=True)).order_by("status", "-created_at")


def review_queue(*, organization):
    return (
        ContentRevision.objects.filter(organization=organization, status=ContentRevision.Status.PENDING)
        .select_related("content", "author")
        .order_by("created_at")
    )


def my_suggestions(*, organization, user):
    return (
        ContentItem.objects.filter(organization=organization, is_suggestion=True, created_by=user)
        .select_related("campaign")
        .order_by("-created_at")
    )


def my_shares(*, organization, user):
    return (
        Share.objects.filter(organization=organization, user=user, status=Share.Status.CONFIRMED)
        .select_related("content")
        .order_by("-confirmed_at", "-id")
    )


def unconfirmed_with_clicks(*, organization, user, limit: int = 10) -> list[Share]:
    """Links the member opened a share page for but never confirmed, which people have clicked: the post
    is out there, so the member is asked to confirm it (it then counts for them)."""
    return list(
        Share.objects.filter(organization=organization, user=user, status=Share.Status.PREPARED, click_count__gt=0)
        .select_related("content")
        .order_by("-click_count", "-id")[:limit]
    )


def my_share_totals(*, organization, user) -> dict:
    totals = Share.objects.filter(organization=organization, user=user, status=Share.Status.CONFIRMED).aggregate(
        shares=Count("pk"), clicks=Sum("click_count")
    )
    return {"shares": totals["shares"] or 0, "clicks": totals["clicks"] or 0}


def results(*, organization, content: ContentItem | None = None, campaign: Campaign | None = None, days: int = 30):
    """Shares and clicks by network and by day, top sharers, clicks per share — for one item or one campaign."""
    shares = Share.objects.filter(organization=organization, status=Share.Status.CONFIRMED)
    clicks = ClickDaily.objects.filter(organization=organization)
    if content is not None:
        shares, clicks = shares.filter(content=content), clicks.filter(content=content)
    if campaign is not None:
        shares, clicks = shares.filter(campaign=campaign), clicks.filter(campaign=campaign)
    since = timezone.localdate() - timedelta(days=days - 1)

    by_network: dict[str, dict] = {}
    for row in shares.values("network").annotate(n=Count("pk")).order_by():
        by_network.setdefault(row["network"], {"shares": 0, "clicks": 0})["shares"] = row["n"]
    for row in clicks.values("network").annotate(n=Sum("clicks")).order_by():
        by_network.setdefault(row["network"], {"shares": 0, "clicks": 0})["clicks"] = row["n"] or 0

    per_day: dict = {since + timedelta(days=i): {"shares": 0, "clicks": 0} for i in range(days)}
    for row in (
        shares.filter(confirmed_at__date__gte=since)
        .annotate(day=TruncDate("confirmed_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if row["day"] in per_day:
            per_day[row["day"]]["shares"] = row["n"]
    for row in clicks.filter(day__gte=since).values("day").annotate(n=Sum("clicks")).order_by():
        if row["day"] in per_day:
            per_day[row["day"]]["clicks"] = row["n"] or 0

    top = list(
        shares.values("user_id", "user__full_name", "user__email")
        .annotate(shares=Count("pk"), clicks=Sum("click_count"))
        .order_by("-clicks", "-shares", "user__email")[:10]
    )
    total_shares = sum(v["shares"] for v in by_network.values())
    total_clicks = sum(v["clicks"] for v in by_network.values())
    peak = max([max(v["shares"], v["clicks"]) for v in per_day.values()] + [1])
    days_rows = [
        {
            "day": day,
            **v,
            "clicks_pct": round(100 * v["clicks"] / peak),
            "shares_pct": round(100 * v["shares"] / peak),
        }
        for day, v in sorted(per_day.items())
    ]
    networks = sorted(
        (
            {
                "network": k,
                "label": Network(k).label,
                **v,
                "per_share": (v["clicks"] / v["shares"]) if v["shares"] else 0,
            }
            for k, v in by_network.items()
        ),
        key=lambda r: -r["shares"],
    )
    return {
        "shares": total_shares,
        "clicks": total_clicks,
        "clicks_per_share": (total_clicks / total_shares) if total_shares else 0,
        "by_network": networks,
        "by_day": days_rows,
        "top_sharers": top,
    }


# --- the employee feed, cached (see caching.py) -------------------------------------------------------


def campaign_for_reader(item, membership) -> Campaign | None:
    """The campaign an item links to for this reader: a draft campaign is shown to content managers only
    (its page answers 404 to everyone else)."""
    campaign = item.campaign if item.campaign_id else None
    if campaign is None or campaign.status != Campaign.Status.DRAFT:
        return campaign
    return campaign if membership is not None and membership.may("content.manage") else None


def _feed_row(item, *, searched: bool) -> dict:
    campaign = campaign_for_reader(item, None)
    summary = item.summary
    if len(summary) > 220:
        summary = summary[:219].rstrip() + "…"
    return {
        "pk": item.pk,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "title": item.title,
        "summary": summary,
        "title_parts": highlight_parts(item.title_hl) if searched else [],
        "summary_parts": highlight_parts(item.summary_hl) if searched else [],
        "has_image": bool(item.image),
        "image_url": item.image_url,
        "initial": item.title[:1].upper(),
        # A draft campaign's page answers 404 to members: the feed names only campaigns they may open.
        "campaign_id": campaign.pk if campaign else None,
        "campaign_name": campaign.name if campaign else "",
        "publish_at": item.publish_at,
        "expires_at": item.expires_at,
        "tags": [(tag.pk, tag.name, tag.is_campaign) for tag in item.hashtags.all()],
        "share_count": item.share_count,
    }


def _build_feed_page(*, organization, membership, q, topic, hashtag, campaign, sort, page_number) -> dict:
    qs = feed(
        organization=organization,
        membership=membership,
        q=q,
        topic=topic,
        hashtag=hashtag,
        campaign=campaign,
        sort=sort,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(page_number)
    return {
        "rows": [_feed_row(item, searched=bool(q)) for item in page.object_list],
        "number": page.number,
        "num_pages": page.paginator.num_pages,
        "count": page.paginator.count,
    }


def _member_networks(*, organization, user, content_ids=None) -> dict[int, list[str]]:
    shared: dict[int, list[str]] = {}
    qs = Share.objects.filter(organization=organization, user=user, status=Share.Status.CONFIRMED)
    if content_ids is not None:
        qs = qs.filter(content_id__in=content_ids)
    rows = qs.order_by("content_id", "network").values_list("content_id", "network")
    for content_id, network in rows:
        shared.setdefault(content_id, []).append(network)
    return shared


def feed_page(
    *,
    organization,
    membership,
    user,
    q: str = "",
    topic: Topic | None = None,
    hashtag: Hashtag | None = None,
    campaign: Campaign | None = None,
    sort: str = "newest",
    page_number=1,
) -> dict:
    """One page of the employee feed as plain rows (each with the member's `my_networks`) and its pager
    figures. Warm: one cache round trip (fetched with the membership for the plain
    feed) and no SQL; cold: a constant number of queries whatever the library's size."""
    parts = page_parts(
        team_id=getattr(membership, "team_id", None),
        slug=organization.slug,
        q=q,
        topic_id=topic.pk if topic else None,
        hashtag_id=hashtag.pk if hashtag else None,
        campaign_id=campaign.pk if campaign else None,
        sort=sort,
        page=page_number,
    )
    scope = (organization.pk,)
    page_entry, mine_entry = read([(feed_pages, scope, parts), (my_networks, (organization.pk, user.pk), parts)])
    page = page_entry.value
    if page is None:
        page = _build_feed_page(
            organization=organization,
            membership=membership,
            q=q,
            topic=topic,
            hashtag=hashtag,
            campaign=campaign,
            sort=sort,
            page_number=page_number,
        )
        page_entry.store(page)
    # The member's shared networks, for this page's items only (a member with thousands of shares must
    # not make every page load them), kept with the page's item ids they were read for.
    ids = [row["pk"] for row in page["rows"]]
    mine = {}
    if ids:
        if mine_entry.value is not None and mine_entry.value[0] == ids:
            mine = mine_entry.value[1]
        else:
            mine = _member_networks(organization=organization, user=user, content_ids=ids)
            mine_entry.store((ids, mine))

    now = timezone.now()
    items = [
        {**row, "my_networks": mine.get(row["pk"], ())}
        for row in page["rows"]
        if row["expires_at"] is None or row["expires_at"] > now
    ]
    return {**page, "items": items, "parts": parts}
