"""The employee feed's cache: the rows of a feed page, the filter choices and each member's shared
networks, in the cache (Redis), so a warm feed request reads them in ONE round trip and runs no SQL of
its own (the member's networks are checked against their token and the page's items after that read).

Validity:
- every content write (items, revisions, hashtags, topics, campaigns, settings; see `changes_content`
  on the services) replaces the organization's generation token on commit; entries carry the token they
  were built under and a different one makes them stale (a random token, not a counter: an evicted and
  restarted counter could make an old entry look current);
- share counts and the time window (publish and expiry times) are refreshed by a short TTL
  (`PAGE_TTL`); expired items are also dropped when the page is shown;
- a member's shared networks are replaced when they confirm a share (`forget_member`).
"""

from __future__ import annotations

import functools
import hashlib
import secrets

from django.core.cache import cache
from django.db import transaction

VERSION = 4  # of the cached rows' shape: a deploy that changes it starts on fresh keys
PAGE_TTL = 30  # seconds: how stale a share count (or a just-scheduled item) may be
CHOICES_TTL = 600
MEMBER_TTL = 600


def generation_key(organization_id) -> str:
    return f"cl:feed:gen:{organization_id}"


def page_key(organization_id, team_id, filters: tuple) -> str:
    digest = hashlib.blake2b(repr(filters).encode(), digest_size=10).hexdigest()
    return f"cl:feed:page:v{VERSION}:{organization_id}:{team_id or 0}:{digest}"


def choices_key(organization_id) -> str:
    return f"cl:feed:choices:v{VERSION}:{organization_id}"


def member_key(organization_id, user_id) -> str:
    """The member's token (replaced when they confirm a share), part of their cached pages' keys."""
    return f"cl:feed:member-token:{organization_id}:{user_id}"


def member_page_key(organization_id, user_id, page_key: str) -> str:
    """The member's shared networks for the items of one cached page (`page_key`), stored as
    (member token, the page's item ids, networks): read in the same round trip as the page, and used only
    if the token is still the member's and the ids are still the page's."""
    digest = page_key.rsplit(":", 1)[-1]
    return f"cl:feed:mine:v2:{organization_id}:{user_id}:{digest}"


def page_keys(organization_id, team_id, user_id, filters: tuple) -> dict[str, str]:
    """Every key a feed page reads, in one round trip (selectors.feed_page)."""
    page = page_key(organization_id, team_id, filters)
    return {
        "gen": generation_key(organization_id),
        "page": page,
        "choices": choices_key(organization_id),
        "member": member_key(organization_id, user_id),  # the member's token
        "mine": member_page_key(organization_id, user_id, page),
    }


def default_filters(slug: str, page_size: int) -> tuple:
    """The filters of the plain feed (no search, no filter, first page): see selectors.feed_page."""
    return ("", None, None, None, "newest", "1", page_size, slug)


def team_hint_key(organization_id) -> str:
    """Where the session remembers the member's team, so that the organization middleware can fetch a
    plain feed page together with the membership (a wrong or missing hint only costs that prefetch)."""
    return f"feed-team:{organization_id}"


def request_keys(request, organization, user_id: int, subpath: str) -> list[str]:
    """For the organization middleware's second round trip: the plain feed's keys, for the team the
    session remembers (the feed view keeps that hint current)."""
    if subpath != "content/" or request.GET or not request.path_info.startswith("/o/"):  # pages, not the API
        return []
    hint = request.session.get(team_hint_key(organization.pk), False)
    if hint is False:
        return []
    from .views import PAGE_SIZE

    filters = default_filters(organization.slug, PAGE_SIZE)
    return list(page_keys(organization.pk, hint, user_id, filters).values())


def new_member_token(organization_id, user_id) -> str:
    token = secrets.token_hex(8)
    cache.set(member_key(organization_id, user_id), token, timeout=None)
    return token


def bump(organization_id) -> None:
    cache.set(generation_key(organization_id), secrets.token_hex(8), timeout=None)


def content_changed(organization) -> None:
    """Make every cached feed page of the organization stale once the current transaction commits."""
    organization_id = organization.pk
    transaction.on_commit(lambda: bump(organization_id))


def forget_member(organization, user_id) -> None:
    """The member's shared networks changed: a new token makes every cached page of theirs stale."""
    organization_id = organization.pk
    transaction.on_commit(lambda: new_member_token(organization_id, user_id))


def changes_content(function):
    """Decorate a service that changes what the feed shows (its `organization` keyword is used)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        result = function(*args, **kwargs)
        content_changed(kwargs["organization"])
        return result

    return wrapper
