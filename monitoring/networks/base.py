"""The interface every network adapter speaks, and what a pull hands to the intake.

Adapters return plain data (these dataclasses), never Django models: the pull service stores it through
`monitoring.services.intake`. Fields may be added; none is renamed or removed without updating both sides.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Counts:
    """The engagement a network reports for one post at the moment of the pull (0 where it gives none)."""

    likes: int = 0  # likes, favourites
    reposts: int = 0  # reposts, boosts
    replies: int = 0
    quotes: int = 0


@dataclass(frozen=True)
class PulledPost:
    """One public post as a network returned it: a member's own post, or a brand mention by anyone."""

    network: str  # "mastodon", "bluesky", "linkedin", "x"
    external_id: str  # the network's id (Mastodon status id, Bluesky at:// URI); unique per network
    url: str  # the public address of the post
    text: str  # plain text (HTML already turned into text by the adapter)
    posted_at: datetime.datetime  # aware
    author_handle: str = ""  # @user@instance, handle.bsky.social
    author_name: str = ""
    language: str = ""  # what the network says ("" when it says nothing); the intake detects its own
    edited_at: datetime.datetime | None = None
    deleted: bool = False  # the network says it is gone (or a later pull no longer finds it)
    counts: Counts = field(default_factory=Counts)
    links: tuple[str, ...] = ()  # addresses in the post (cards, facets, links in the text), expanded
    hashtags: tuple[str, ...] = ()  # without "#", as written


@dataclass(frozen=True)
class PullPage:
    """One page of an incremental pull: the posts, and the cursor to resume from next time."""

    posts: list[PulledPost]
    cursor: str = ""  # since-id or the network's cursor; "" when unchanged
    more: bool = False  # another page is waiting


class NetworkError(Exception):
    """A failure talking to a network, classified for the retry policy."""

    def __init__(self, message: str, *, status: int | None = None, retry_at: datetime.datetime | None = None):
        super().__init__(message)
        self.status = status
        self.retry_at = retry_at  # when the network says to try again (429 Retry-After / rate-limit reset)


class RateLimited(NetworkError):
    """429: try again at `retry_at`, without holding a worker."""


class AuthorizationLost(NetworkError):
    """401/403: the token expired or was revoked; the account is marked and the member told."""


class TransientError(NetworkError):
    """5xx, timeouts, connection resets: back off and retry."""


class PermanentError(NetworkError):
    """Any other 4xx: not retried; shown on the account in words."""
