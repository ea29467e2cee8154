"""The employee feed."""

from __future__ import annotations

from functools import cache

from django.shortcuts import render
from django.urls import reverse

from advocacy.tenancy.decorators import org_view

from .. import selectors
from ..caching import team_hint_key
from .common import optional


def _page_number(value) -> int:
    """A page number for the feed's cache key: anything else than a small number is the first page
    (an out-of-range number shows the last page, as Paginator.get_page does)."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 6 and int(value) > 0 else 1


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
    hint = team_hint_key(org.pk)  # lets the next plain feed come with the membership
    if request.session.get(hint, False) != membership.team_id:
        request.session[hint] = membership.team_id
    base = reverse("content_feed", kwargs={"org_slug": org.slug})
    # what the rendered cards show (the grid's fragment cache, templates/content_library/feed.html)
    shown = tuple((item["pk"], item["share_count"], tuple(item["my_networks"])) for item in page["items"])
    context = {
        "page": page,
        "items": page["items"],
        # read only when the filter form's fragment is missing (a template calls a callable)
        "choices": cache(lambda: selectors.filter_choices(organization=org)),
        "filter_key": (topic and topic.pk, hashtag and hashtag.pk, campaign and campaign.pk),
        "base": base,
        "grid_key": (base, q, shown),
        "q": q,
        "sort": sort,
        "topic": topic,
        "hashtag": hashtag,
        "campaign": campaign,
        "filtered": bool(q or topic or hashtag or campaign),
    }
    return render(request, "content_library/feed.html", context)
