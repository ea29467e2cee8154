"""Mastodon, on any instance, with Mastodon.py through the outbound guard.

The app registers itself on an instance the first time (`register_app`: client id and secret, kept per instance
in MastodonApp by the accounts service), the member signs in there with OAuth (read scope: `authorize_url`,
`exchange_code`), and pulls read the member's public statuses with their token:

* `statuses_after(cursor)`: the statuses just newer than the cursor (Mastodon's min_id), oldest page first, so the
  cursor moves only over what was stored;
* `recent_statuses()`: the latest page, for the counts of recent posts, their edits, and deletions (a post we
  stored that is absent from it is looked up: a 404 means deleted, `status_gone`);
* `hashtag_statuses(tag)`: the instance's hashtag timeline, for brand mentions.

Every failure is one of the base errors: 429 -> RateLimited(retry_at from Retry-After or X-RateLimit-Reset),
401/403 -> AuthorizationLost, 5xx and timeouts -> TransientError, a refused address and other 4xx ->
PermanentError. The client never sleeps for a rate limit (ratelimit_method="throw")."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from django.utils import timezone
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonIllegalArgumentError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from advocacy.core import outbound

from .base import (
    AuthorizationLost,
    Counts,
    NetworkError,
    PermanentError,
    PulledPost,
    PullPage,
    RateLimited,
    TransientError,
)
from .text import html_to_text

NETWORK = "mastodon"
SCOPES = ["read"]
PAGE = 40  # Mastodon's largest page
CLIENT_NAME = "Employee advocacy"
REQUEST_TIMEOUT = 10


@dataclass(frozen=True)
class AccountInfo:
    external_id: str
    handle: str  # @user@instance
    display_name: str
    followers_count: int
    url: str = ""


def normalize_instance(address: str) -> str:
    """'mastodon.social', 'https://mastodon.social/' -> 'https://mastodon.social' (Refused when not an address)."""
    address = (address or "").strip()
    if not address:
        raise PermanentError("Enter the address of your Mastodon instance.")
    if "://" not in address:
        address = "https://" + address.lstrip("@").split("@")[-1]
    try:
        scheme, host, port = outbound.check_url(address)
    except outbound.OutboundError as exc:
        raise PermanentError(str(exc)) from exc
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{host.lower()}" + (f":{port}" if port != default else "")


def _retry_at(response) -> datetime.datetime:
    """When a 429 says to try again: Retry-After (seconds or a date), else X-RateLimit-Reset, else in 5 minutes."""
    now = timezone.now()
    headers = response.headers if response is not None else {}
    after = headers.get("Retry-After", "")
    if after.strip().isdigit():
        return now + datetime.timedelta(seconds=int(after))
    for value in (after, headers.get("X-RateLimit-Reset", "")):
        if not value:
            continue
        if value.strip().isdigit():
            return datetime.datetime.fromtimestamp(int(value), tz=datetime.UTC)
        try:
            return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            try:
                return parsedate_to_datetime(value)
            except (TypeError, ValueError):
                continue
    return now + datetime.timedelta(minutes=5)


class _LastResponse:
    """Keeps the last response of a session (Mastodon.py's errors do not carry the headers)."""

    def __init__(self, session):
        self.response = None
        session.hooks["response"].append(self)

    def __call__(self, response, *args, **kwargs):
        self.response = response
        return response


def _status_of(exc: MastodonAPIError) -> int | None:
    return exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None


@contextmanager
def _classified(host: str, last: _LastResponse):
    """Mastodon.py's errors as the retry policy's classes."""
    try:
        yield
    except MastodonRatelimitError as exc:
        raise RateLimited(f"{host} asks us to slow down.", status=429, retry_at=_retry_at(last.response)) from exc
    except MastodonUnauthorizedError as exc:
        raise AuthorizationLost(f"{host} no longer accepts our access (401).", status=401) from exc
    except MastodonServerError as exc:
        status = _status_of(exc)
        raise TransientError(f"{host} had a problem ({status}).", status=status) from exc
    except MastodonNotFoundError as exc:
        raise PermanentError(f"{host} says this was not found (404).", status=404) from exc
    except MastodonAPIError as exc:
        status = _status_of(exc)
        if status == 403:
            raise AuthorizationLost(f"{host} refused our access (403).", status=403) from exc
        raise PermanentError(f"{host} refused the request ({status}).", status=status) from exc
    except MastodonNetworkError as exc:
        refusal = outbound.refusal_of(exc)
        if refusal is not None and not isinstance(refusal, outbound.TooSlow):
            raise PermanentError(str(refusal)) from exc
        raise TransientError(f"{host} could not be reached.") from exc
    except MastodonIllegalArgumentError as exc:
        raise PermanentError(f"{host} did not complete the sign-in.") from exc
    except MastodonError as exc:
        raise PermanentError(f"{host} answered something we could not read.") from exc


def _client(base_url: str, **kwargs) -> tuple[Mastodon, _LastResponse]:
    session = outbound.guarded_session(timeout=REQUEST_TIMEOUT)
    last = _LastResponse(session)
    client = Mastodon(
        api_base_url=base_url,
        session=session,
        ratelimit_method="throw",
        request_timeout=REQUEST_TIMEOUT,
        version_check_mode="none",
        **kwargs,
    )
    return client, last


def register_app(base_url: str, redirect_uri: str, website: str = "") -> tuple[str, str]:
    """Register our app on the instance: (client_id, client_secret)."""
    host = urlsplit(base_url).netloc
    last = _LastResponse(session := outbound.guarded_session(timeout=REQUEST_TIMEOUT))
    with _classified(host, last):
        return Mastodon.create_app(
            CLIENT_NAME,
            scopes=SCOPES,
            redirect_uris=redirect_uri,
            website=website or None,
            api_base_url=base_url,
            request_timeout=REQUEST_TIMEOUT,
            session=session,
        )


def authorize_url(base_url: str, client_id: str, redirect_uri: str, state: str) -> str:
    client, _ = _client(base_url)
    return client.auth_request_url(
        client_id=client_id,
        redirect_uris=redirect_uri,
        scopes=SCOPES,
        state=state,
        skip_server_info=True,
        force_login=False,
    )


def exchange_code(base_url: str, client_id: str, client_secret: str, code: str, redirect_uri: str) -> str:
    """The member's access token for the code the instance sent back."""
    client, last = _client(base_url, client_id=client_id, client_secret=client_secret)
    with _classified(urlsplit(base_url).netloc, last):
        return client.log_in(
            code=code, redirect_uri=redirect_uri, scopes=SCOPES, allow_http=outbound.loopback_allowed()
        )


def revoke_token(base_url: str, client_id: str, client_secret: str, token: str) -> None:
    """Give the member's token back to the instance (disconnecting): our access ends there too."""
    client, last = _client(base_url, client_id=client_id, client_secret=client_secret, access_token=token)
    with _classified(urlsplit(base_url).netloc, last):
        client.revoke_access_token(allow_http=outbound.loopback_allowed())


def _iso(value) -> datetime.datetime | None:
    if value is None or isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def to_pulled(status, instance_host: str) -> PulledPost:
    text, links = html_to_text(status.get("content") or "")
    if status.get("spoiler_text"):
        text = f"{status['spoiler_text']}\n\n{text}".strip()
    card = status.get("card") or {}
    if card.get("url"):
        links = list(dict.fromkeys([*links, card["url"]]))
    account = status.get("account") or {}
    acct = account.get("acct") or account.get("username") or ""
    handle = f"@{acct}" if "@" in acct else f"@{acct}@{instance_host}"
    return PulledPost(
        network=NETWORK,
        external_id=str(status["id"]),
        url=status.get("url") or status.get("uri") or "",
        text=text,
        posted_at=_iso(status["created_at"]),
        author_handle=handle,
        author_name=account.get("display_name") or "",
        language=status.get("language") or "",
        edited_at=_iso(status.get("edited_at")),
        counts=Counts(
            likes=int(status.get("favourites_count") or 0),
            reposts=int(status.get("reblogs_count") or 0),
            replies=int(status.get("replies_count") or 0),
            quotes=int(status.get("quotes_count") or 0),
        ),
        links=tuple(links),
        hashtags=tuple(tag["name"] for tag in status.get("tags") or ()),
    )


def _public(status) -> bool:
    # the member's own statuses come back whatever their visibility with their token: only public ones are read
    return status.get("visibility") in ("public", "unlisted") and not status.get("reblog")


class MastodonAdapter:
    """One member's account on one instance (or the instance alone, for hashtag timelines)."""

    network = NETWORK

    def __init__(self, base_url: str, access_token: str = ""):
        self.base_url = base_url
        self.host = urlsplit(base_url).netloc
        self.client, self._last = _client(base_url, access_token=access_token or None)

    def _call(self, fn, *args, **kwargs):
        with _classified(self.host, self._last):
            return fn(*args, **kwargs)

    def verify(self) -> AccountInfo:
        me = self._call(self.client.account_verify_credentials)
        return AccountInfo(
            external_id=str(me["id"]),
            handle=f"@{me['username']}@{self.host}",
            display_name=me.get("display_name") or me["username"],
            followers_count=int(me.get("followers_count") or 0),
            url=me.get("url") or "",
        )

    def statuses_after(self, account_id: str, cursor: str, *, limit: int = PAGE) -> PullPage:
        """The statuses just newer than `cursor` (one page, oldest first); the page's cursor is the newest id."""
        statuses = self._call(
            self.client.account_statuses, account_id, min_id=cursor or "0", limit=limit, exclude_reblogs=True
        )
        ids = [int(s["id"]) for s in statuses]
        posts = [to_pulled(s, self.host) for s in sorted(statuses, key=lambda s: int(s["id"])) if _public(s)]
        return PullPage(posts=posts, cursor=str(max(ids)) if ids else "", more=len(statuses) >= limit)

    def recent_statuses(self, account_id: str, *, limit: int = PAGE) -> PullPage:
        statuses = self._call(self.client.account_statuses, account_id, limit=limit, exclude_reblogs=True)
        ids = [int(s["id"]) for s in statuses]
        posts = [to_pulled(s, self.host) for s in statuses if _public(s)]
        # `cursor` here: the oldest id of the window (stored posts newer than it should all be in it)
        return PullPage(posts=posts, cursor=str(min(ids)) if ids else "", more=len(statuses) >= limit)

    def status_gone(self, status_id: str) -> bool:
        """True when the instance answers 404 (deleted), or the status is no longer public."""
        try:
            status = self._call(self.client.status, status_id)
        except NetworkError as exc:
            if exc.status == 404:
                return True
            raise
        return not _public(status)

    def hashtag_statuses(self, tag: str, *, limit: int = PAGE) -> list[PulledPost]:
        statuses = self._call(self.client.timeline_hashtag, tag.lstrip("#"), limit=limit)
        return [to_pulled(s, self.host) for s in statuses if s.get("visibility") == "public" and not s.get("reblog")]
