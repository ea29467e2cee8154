"""Bluesky, with the atproto package through the outbound guard: public reads from the AppView (its address is
`settings.BLUESKY_APPVIEW_URL`, the public AppView by default), no token.

* A member gives a handle: it is resolved to a DID (`com.atproto.identity.resolveHandle`) and verified by a code
  we give them, which they put in their profile's description or in a post (`verification_found`).
* Pulls read the author feed newest first with the AppView's cursor (`author_feed`), stopping at what the last
  pull saw; deletions are noticed with `app.bsky.feed.getPosts` (a stored post it no longer returns).
* Brand mentions: `app.bsky.feed.searchPosts` for each brand term and hashtag, since the last search.

Counts are likeCount, repostCount, replyCount and quoteCount. Failures are the base errors: 429 ->
RateLimited(retry_at from RateLimit-Reset or Retry-After), 401/403 -> AuthorizationLost, 5xx, 502 and timeouts
-> TransientError, a refused address and other 4xx -> PermanentError."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from atproto_client import Client
from atproto_client import exceptions as at
from atproto_client.request import Request
from atproto_core.exceptions import AtProtocolError
from django.conf import settings
from django.utils import timezone

from advocacy.core import outbound

from .base import AuthorizationLost, Counts, PermanentError, PulledPost, PullPage, RateLimited, TransientError

NETWORK = "bluesky"
PUBLIC_APPVIEW = "https://public.api.bsky.app"
PAGE = 50
TIMEOUT = 10.0


@dataclass(frozen=True)
class Profile:
    did: str
    handle: str
    display_name: str
    description: str
    followers_count: int


def appview_url() -> str:
    return getattr(settings, "BLUESKY_APPVIEW_URL", "") or PUBLIC_APPVIEW


def normalize_handle(handle: str) -> str:
    handle = (handle or "").strip().lstrip("@").lower()
    if handle.startswith("https://bsky.app/profile/"):
        handle = handle.removeprefix("https://bsky.app/profile/").split("/")[0]
    if not handle or "." not in handle or any(c.isspace() for c in handle) or len(handle) > 253:
        raise PermanentError("Enter your Bluesky handle, like name.bsky.social.")
    return handle


def _retry_at(headers: dict) -> datetime.datetime:
    now = timezone.now()
    reset = headers.get("ratelimit-reset") or headers.get("x-ratelimit-reset") or ""
    if reset.strip().isdigit():
        return datetime.datetime.fromtimestamp(int(reset), tz=datetime.UTC)
    after = headers.get("retry-after") or ""
    if after.strip().isdigit():
        return now + datetime.timedelta(seconds=int(after))
    try:
        return parsedate_to_datetime(after) if after else now + datetime.timedelta(minutes=5)
    except (TypeError, ValueError):
        return now + datetime.timedelta(minutes=5)


def _status(exc: at.RequestErrorBase) -> int | None:
    return exc.response.status_code if exc.response is not None else None


@contextmanager
def _classified(host: str):
    try:
        yield
    except outbound.TooSlow as exc:
        raise TransientError(str(exc)) from exc
    except outbound.OutboundError as exc:
        raise PermanentError(str(exc)) from exc
    except at.RateLimitExceededError as exc:
        headers = exc.response.headers if exc.response is not None else {}
        raise RateLimited(f"{host} asks us to slow down.", status=429, retry_at=_retry_at(headers)) from exc
    except at.UnauthorizedError as exc:
        raise AuthorizationLost(f"{host} refused our access ({_status(exc)}).", status=_status(exc)) from exc
    except (at.InvokeTimeoutError, at.NetworkError) as exc:
        raise TransientError(f"{host} could not be reached or had a problem.", status=_status(exc)) from exc
    except (at.RequestException, at.BadRequestError) as exc:
        status = _status(exc)
        if status is not None and status >= 500:
            raise TransientError(f"{host} had a problem ({status}).", status=status) from exc
        message = getattr(getattr(exc.response, "content", None), "message", None) or f"refused ({status})"
        raise PermanentError(f"{host}: {message}", status=status) from exc
    except AtProtocolError as exc:
        raise PermanentError(f"{host} answered something we could not read.") from exc


def _record_value(record, name, default=None):
    if isinstance(record, dict):
        return record.get(name, default)
    return getattr(record, name, default)


def _links_and_tags(record, embed) -> tuple[tuple[str, ...], tuple[str, ...]]:
    links, tags = [], list(_record_value(record, "tags", None) or [])
    for facet in _record_value(record, "facets", None) or []:
        for feature in _record_value(facet, "features", None) or []:
            uri, tag = _record_value(feature, "uri"), _record_value(feature, "tag")
            if uri:
                links.append(uri)
            if tag:
                tags.append(tag)
    external = _record_value(embed, "external") if embed is not None else None
    if external is not None and _record_value(external, "uri"):
        links.append(_record_value(external, "uri"))
    return tuple(dict.fromkeys(links)), tuple(dict.fromkeys(tags))


def _when(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def to_pulled(view) -> PulledPost:
    record = view.record
    author = view.author
    rkey = view.uri.rsplit("/", 1)[-1]
    links, tags = _links_and_tags(record, view.embed)
    langs = _record_value(record, "langs", None) or []
    return PulledPost(
        network=NETWORK,
        external_id=view.uri,
        url=f"https://bsky.app/profile/{author.handle}/post/{rkey}",
        text=_record_value(record, "text", "") or "",
        posted_at=_when(_record_value(record, "created_at") or _record_value(record, "createdAt"))
        or _when(view.indexed_at),
        author_handle=author.handle,
        author_name=author.display_name or "",
        language=langs[0] if langs else "",
        counts=Counts(
            likes=view.like_count or 0,
            reposts=view.repost_count or 0,
            replies=view.reply_count or 0,
            quotes=view.quote_count or 0,
        ),
        links=links,
        hashtags=tags,
    )


class BlueskyAdapter:
    network = NETWORK

    def __init__(self, base_url: str = ""):
        self.base_url = (base_url or appview_url()).rstrip("/")
        self.host = self.base_url.split("://", 1)[-1]
        request = Request(transport=outbound.guarded_transport(), trust_env=False, timeout=TIMEOUT)
        self.client = Client(base_url=self.base_url, request=request)

    def resolve_handle(self, handle: str) -> str:
        with _classified(self.host):
            return self.client.com.atproto.identity.resolve_handle({"handle": handle}).did

    def profile(self, actor: str) -> Profile:
        with _classified(self.host):
            view = self.client.app.bsky.actor.get_profile({"actor": actor})
        return Profile(
            did=view.did,
            handle=view.handle,
            display_name=view.display_name or "",
            description=view.description or "",
            followers_count=view.followers_count or 0,
        )

    def author_feed(self, did: str, *, cursor: str = "", limit: int = PAGE) -> PullPage:
        """One page of the member's own posts, newest first (reposts of others' posts left out); `cursor` is
        the AppView's, for the next (older) page."""
        with _classified(self.host):
            answer = self.client.app.bsky.feed.get_author_feed(
                {"actor": did, "cursor": cursor or None, "limit": limit, "filter": "posts_with_replies"}
            )
        posts = [to_pulled(item.post) for item in answer.feed if item.reason is None and item.post.author.did == did]
        return PullPage(posts=posts, cursor=answer.cursor or "", more=bool(answer.cursor))

    def existing(self, uris: list[str]) -> set[str]:
        """Which of these post URIs the AppView still returns (getPosts answers only the ones that exist)."""
        found: set[str] = set()
        for start in range(0, len(uris), 25):
            with _classified(self.host):
                answer = self.client.app.bsky.feed.get_posts({"uris": uris[start : start + 25]})
            found.update(view.uri for view in answer.posts)
        return found

    def search(
        self, query: str, *, since: datetime.datetime | None = None, cursor: str = "", limit: int = 100
    ) -> PullPage:
        params = {"q": query, "sort": "latest", "limit": limit, "cursor": cursor or None}
        if since is not None:
            params["since"] = since.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
        with _classified(self.host):
            answer = self.client.app.bsky.feed.search_posts(params)
        return PullPage(
            posts=[to_pulled(view) for view in answer.posts], cursor=answer.cursor or "", more=bool(answer.cursor)
        )

    def verification_found(self, did: str, code: str) -> bool:
        """The code is in the profile's description or in one of the member's latest posts."""
        if code in self.profile(did).description:
            return True
        return any(code in post.text for post in self.author_feed(did, limit=20).posts)
