"""X (Twitter) with the organization's own API credentials: the app's Bearer Token an admin enters in the
monitoring settings (X's API is closed and paid; without it X is off and tracked-link clicks stay its signal).
Public reads of the v2 API through the outbound guard (httpx with the guarded transport); the API's address is
`settings.X_API_URL` (https://api.x.com by default).

* A member gives their @username: it is looked up (GET /2/users/by/username/:username) and verified by a code
  we give them, which they put in their bio or in a post (`verification_found`).
* Pulls read the user's posts newest first (GET /2/users/:id/tweets, retweets excluded) with `pagination_token`
  pages, down to what the last pull saw (`since_id`); counts from `public_metrics` (like, retweet, reply, quote);
  an edit is a post with more than one id in `edit_history_tweet_ids`; deletions through GET /2/tweets?ids=.
* Brand mentions: GET /2/tweets/search/recent.

Failures: 429 -> RateLimited(retry_at from x-rate-limit-reset), 401/403 -> PermanentError (the organization's
credentials were refused: no member can reconnect that), 5xx and timeouts -> TransientError, other 4xx ->
PermanentError."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.utils import timezone

from advocacy.core import outbound

from .base import Counts, PermanentError, PulledPost, PullPage, RateLimited, TransientError

NETWORK = "x"
PUBLIC_API = "https://api.x.com"
TIMEOUT = 10.0
TWEET_FIELDS = "created_at,public_metrics,entities,lang,edit_history_tweet_ids,author_id"
USER_FIELDS = "description,public_metrics,name,username"


@dataclass(frozen=True)
class Profile:
    id: str
    username: str
    name: str
    description: str
    followers_count: int


def api_url() -> str:
    return (getattr(settings, "X_API_URL", "") or PUBLIC_API).rstrip("/")


def normalize_username(value: str) -> str:
    value = (value or "").strip()
    for prefix in ("https://x.com/", "https://twitter.com/", "@"):
        value = value.removeprefix(prefix)
    value = value.split("/")[0].split("?")[0]
    if not value or len(value) > 15 or not all(c.isalnum() or c == "_" for c in value):
        raise PermanentError("Enter your X username, like @name.")
    return value


def _when(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _retry_at(headers) -> datetime.datetime:
    reset = headers.get("x-rate-limit-reset", "")
    if reset.strip().isdigit():
        return datetime.datetime.fromtimestamp(int(reset), tz=datetime.UTC)
    after = headers.get("retry-after", "")
    seconds = int(after) if after.strip().isdigit() else 300
    return timezone.now() + datetime.timedelta(seconds=seconds)


def _problem(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("detail") or body.get("title") or "")[:200] if isinstance(body, dict) else ""


def _classify(response: httpx.Response, host: str) -> None:
    status = response.status_code
    if status < 400:
        return
    if status == 429:
        raise RateLimited(f"{host} asks us to slow down.", status=429, retry_at=_retry_at(response.headers))
    if status in (401, 403):
        raise PermanentError(
            f"{host} refused the organization's X credentials ({status}); an admin needs to check them.", status=status
        )
    if status >= 500:
        raise TransientError(f"{host} had a problem ({status}).", status=status)
    raise PermanentError(f"{host}: {_problem(response) or f'refused ({status})'}", status=status)


def to_pulled(tweet: dict, users: dict[str, dict]) -> PulledPost:
    author = users.get(tweet.get("author_id", ""), {})
    metrics = tweet.get("public_metrics") or {}
    entities = tweet.get("entities") or {}
    history = tweet.get("edit_history_tweet_ids") or []
    username = author.get("username", "")
    return PulledPost(
        network=NETWORK,
        external_id=str(tweet["id"]),
        url=f"https://x.com/{username or 'i/web'}/status/{tweet['id']}",
        text=tweet.get("text", ""),
        posted_at=_when(tweet.get("created_at")) or timezone.now(),
        author_handle=f"@{username}" if username else "",
        author_name=author.get("name", ""),
        language=tweet.get("lang", "") if tweet.get("lang") not in ("und", "zxx") else "",
        edited_at=_when(tweet.get("created_at")) if len(history) > 1 else None,
        counts=Counts(
            likes=int(metrics.get("like_count") or 0),
            reposts=int(metrics.get("retweet_count") or 0),
            replies=int(metrics.get("reply_count") or 0),
            quotes=int(metrics.get("quote_count") or 0),
        ),
        links=tuple(u.get("expanded_url") or u.get("url") for u in entities.get("urls") or [] if u.get("url")),
        hashtags=tuple(h["tag"] for h in entities.get("hashtags") or [] if h.get("tag")),
    )


class XAdapter:
    network = NETWORK

    def __init__(self, bearer_token: str, base_url: str = ""):
        if not bearer_token:
            raise PermanentError("Your organization has not entered X API credentials.")
        self.base_url = (base_url or api_url()).rstrip("/")
        self.host = self.base_url.split("://", 1)[-1]
        self._token = bearer_token

    def _get(self, path: str, params: dict) -> dict:
        headers = {"Authorization": f"Bearer {self._token}", "User-Agent": outbound.USER_AGENT}
        params = {k: v for k, v in params.items() if v not in (None, "")}
        try:
            with httpx.Client(transport=outbound.guarded_transport(), trust_env=False, timeout=TIMEOUT) as client:
                response = client.get(self.base_url + path, params=params, headers=headers)
                response.read()
        except outbound.TooSlow as exc:
            raise TransientError(str(exc)) from exc
        except outbound.OutboundError as exc:
            raise PermanentError(str(exc)) from exc
        except httpx.HTTPError as exc:
            raise TransientError(f"{self.host} could not be reached.") from exc
        _classify(response, self.host)
        try:
            return response.json()
        except ValueError as exc:
            raise PermanentError(f"{self.host} answered something we could not read.") from exc

    def profile(self, username: str) -> Profile:
        body = self._get(f"/2/users/by/username/{username}", {"user.fields": USER_FIELDS})
        data = body.get("data")
        if not data:
            raise PermanentError(f"{self.host}: no X account is called @{username}.", status=404)
        return Profile(
            id=str(data["id"]),
            username=data.get("username", username),
            name=data.get("name", ""),
            description=data.get("description", ""),
            followers_count=int((data.get("public_metrics") or {}).get("followers_count") or 0),
        )

    def user_posts(self, user_id: str, *, since_id: str = "", token: str = "", limit: int = 100) -> PullPage:
        """One page of the user's own posts, newest first (retweets left out); `cursor` is the API's
        pagination token for the next (older) page."""
        body = self._get(
            f"/2/users/{user_id}/tweets",
            {
                "tweet.fields": TWEET_FIELDS,
                "expansions": "author_id",
                "user.fields": "username,name",
                "exclude": "retweets",
                "max_results": max(5, min(limit, 100)),
                "since_id": since_id,
                "pagination_token": token,
            },
        )
        return self._page(body)

    def _page(self, body: dict) -> PullPage:
        users = {u["id"]: u for u in (body.get("includes") or {}).get("users", [])}
        posts = [to_pulled(t, users) for t in body.get("data") or []]
        next_token = (body.get("meta") or {}).get("next_token", "")
        return PullPage(posts=posts, cursor=next_token, more=bool(next_token))

    def existing(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 100):
            body = self._get("/2/tweets", {"ids": ",".join(ids[start : start + 100]), "tweet.fields": "id"})
            found.update(str(t["id"]) for t in body.get("data") or [])
        return found

    def search(self, query: str, *, since_id: str = "", token: str = "") -> PullPage:
        body = self._get(
            "/2/tweets/search/recent",
            {
                "query": f"{query} -is:retweet",
                "tweet.fields": TWEET_FIELDS,
                "expansions": "author_id",
                "user.fields": "username,name",
                "max_results": 100,
                "since_id": since_id,
                "next_token": token,
            },
        )
        return self._page(body)

    def verification_found(self, user_id: str, username: str, code: str) -> bool:
        if code in self.profile(username).description:
            return True
        return any(code in post.text for post in self.user_posts(user_id, limit=20).posts)
