"""What the content library caches (see advocacy.core.cache): the employee feed, a bench target.

- `feed_pages`: the rows of a feed page (data, never HTML) per team and filters, stale on any write to
  what the feed shows; share counts and the time window (publish and expiry times) follow the short
  lifetime, and expired items are also dropped when the page is shown;
- `feed_filters`: the filter form's choices as rendered, per selection (a template fragment);
- `my_networks`: a member's shared networks for the items of one page ("You shared on ..."), stale
  when one of their shares changes status or network.

The plain feed (no search, no filter, first page) is fetched with the membership at the start of the
request, for the team the session remembers (`team_hint_key`; a wrong or missing hint only costs that).
"""

import hashlib

from advocacy.core.cache import Cached, On, request_prefetch

PAGE_SIZE = 20  # items per feed page

_FEED_MODELS = (
    "ContentSettings",
    "Topic",
    "Hashtag",
    "Campaign",
    "CampaignHashtag",
    "CampaignTeam",
    "ContentItem",
    "ContentTopic",
    "ContentHashtag",
    "ContentTeam",
)
_ON = [On(f"content_library.{model}", scope=("organization_id",)) for model in _FEED_MODELS]

feed_pages = Cached("content.feed-page", scope=("organization",), ttl=30, on=_ON)
# the page's cards as rendered, per page and the member's shared networks on it (grid_parts), kept with what
# they show (ids, share counts, networks): their relative times are as old as the page's share counts at most
feed_grids = Cached("content.feed-grid", scope=("organization",), ttl=30, on=_ON)
# the filter form's <option>s as rendered (templates/content_library/feed.html), per selection
feed_filters = Cached("content.feed-filters", scope=("organization",), ttl=600, on=_ON)
my_networks = Cached(
    "content.my-networks",
    scope=("organization", "user"),
    ttl=600,
    on=[On("content_library.Share", scope=("organization_id", "user_id"), fields={"status", "network"})],
)


def page_parts(*, team_id, slug: str, q="", topic_id=None, hashtag_id=None, campaign_id=None, sort="newest", page=1):
    """What a feed page's entries are keyed by (selectors.feed_page and the prefetch below)."""
    return (team_id or 0, q, topic_id, hashtag_id, campaign_id, sort, str(page or 1), PAGE_SIZE, slug)


NO_FILTER = (None, None, None)  # the filter form's key: (topic, hashtag, campaign) chosen


def grid_parts(parts, mine=()) -> tuple:
    """The cards' key: the page's own parts and a digest of the member's shared networks on it ((item,
    networks) for the items they shared; "" for none). The cards are kept with what they show
    (valid_for), so a page whose share counts or items changed since is rendered again."""
    digest = hashlib.blake2b(repr(tuple(mine)).encode(), digest_size=8).hexdigest() if mine else ""
    return (parts, digest)


def shared_hint_key(organization_id) -> str:
    """Where the session remembers the cards' key part of the member's plain feed (a session key), so
    they come with the page; it changes when the member shares one of the first page's items."""
    return f"feed-shared:{organization_id}"


def team_hint_key(organization_id) -> str:
    """Where the session remembers the member's team (a session key, not a cache key)."""
    return f"feed-team:{organization_id}"


@request_prefetch
def request_keys(request, organization, user_id: int, subpath: str) -> list[str]:
    """The plain feed (no search, no filter, page 1): its page, the member's networks for it, and its two
    fragments (the filter form with nothing chosen; the cards for the member's shares on it as the session
    last saw them: a wrong hint costs one more round trip)."""
    if subpath != "content/" or request.GET or not request.path_info.startswith("/o/"):  # pages, not the API
        return []
    hint = request.session.get(team_hint_key(organization.pk), False)
    if hint is False:
        return []
    parts = page_parts(team_id=hint, slug=organization.slug)
    scope = (organization.pk,)
    mine = my_networks.keys((organization.pk, user_id), *parts)
    cards = (parts, request.session.get(shared_hint_key(organization.pk), ""))
    fragments = feed_filters.keys(scope, NO_FILTER) + feed_grids.keys(scope, cards)
    return feed_pages.keys(scope, *parts) + mine + fragments
