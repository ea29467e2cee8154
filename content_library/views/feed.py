"""The employee feed."""

from __future__ import annotations

from functools import cache

from django.shortcuts import render
from django.urls import reverse

from advocacy.tenancy.decorators import org_view

from .. import selectors
from ..caching import grid_parts, shared_hint_key, team_hint_key
from .common import optional


def _page_number(value) -> int:
    """A page number for the feed's cache key: anything else than a small number is the first page
    (an out-of-range number shows the last page, as Paginator.get_page does)."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 6 and int(value) > 0 else 1


def _remember(request, key: str, value) -> None:
    """A hint in the session (saved only when it changes): a wrong one costs a round trip, nothing else."""
    if key not in request.session or request.session[key] != value:
        request.session[key] = value


@org_view("content.view")
def feed(request):
    """The employee feed: rows from the feed cache (one Redis round trip when warm, see caching.py),
    rendered by the feed's card template."""
    org, membership = request.organization, request.membership
    q = request.GET.get("q", "").strip()[:200]
    topic = optional(selectors.get_topic_for_org, org, request.GET.get("topic"))
    hashtag = optional(selectors.get_hashtag_for_org, org, request.GET.get("hashtag"))
    campaign = optional(selectors.get_campaign_for_org, org, request.GET.get("campaign"))
    sort = "popular" if request.GET.get("sort") == "popular" else "newest"
    page = selectors.feed_page(
        organization=org,
        membership=membership,
        user=request.user,
        q=q,
        topic=topic,
        hashtag=hashtag,
        campaign=campaign,
        sort=sort,
        page_number=_page_number(request.GET.get("page")),
    )
    _remember(request, team_hint_key(org.pk), membership.team_id)  # the next plain feed comes with the membership
    base = reverse("content_feed", kwargs={"org_slug": org.slug})
    # what the rendered cards show (the grid's fragment cache, templates/content_library/feed.html)
    shown = tuple((item["pk"], item["share_count"], tuple(item["my_networks"])) for item in page["items"])
    mine = [(item["pk"], tuple(item["my_networks"])) for item in page["items"] if item["my_networks"]]
    grid_key = grid_parts(page["parts"], mine)
    if not request.GET:
        _remember(request, shared_hint_key(org.pk), grid_key[1])  # and its cards
    context = {
        "page": page,
        "items": page["items"],
        # read only when the filter form's fragment is missing (a template calls a callable)
        "choices": cache(lambda: selectors.filter_choices(organization=org)),
        "filter_key": (topic and topic.pk, hashtag and hashtag.pk, campaign and campaign.pk),
        "base": base,
        "grid_key": grid_key,
        "shown": shown,
        "q": q,
        "sort": sort,
        "topic": topic,
        "hashtag": hashtag,
        "campaign": campaign,
        "filtered": bool(q or topic or hashtag or campaign),
    }
    return render(request, "content_library/feed.html", context)
