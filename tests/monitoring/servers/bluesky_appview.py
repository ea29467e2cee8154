"""A local Bluesky AppView for the tests and the demo: a real HTTP server on 127.0.0.1 speaking XRPC for the
queries the adapter uses (com.atproto.identity.resolveHandle, app.bsky.actor.getProfile,
app.bsky.feed.getAuthorFeed, app.bsky.feed.getPosts, app.bsky.feed.searchPosts), with cursor pagination and
injectable faults (429 with RateLimit-Reset, 5xx, 4xx).

Every answer is validated against atproto's own models (the `Response` model of each query, strict) before it
is sent: an answer that would not validate is a 500 and is kept in `errors`, which the fixtures assert empty."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from atproto_client import models
from atproto_client.models.utils import get_or_create

RESPONSES = {
    "com.atproto.identity.resolveHandle": models.ComAtprotoIdentityResolveHandle.Response,
    "app.bsky.actor.getProfile": models.AppBskyActorDefs.ProfileViewDetailed,
    "app.bsky.feed.getAuthorFeed": models.AppBskyFeedGetAuthorFeed.Response,
    "app.bsky.feed.getPosts": models.AppBskyFeedGetPosts.Response,
    "app.bsky.feed.searchPosts": models.AppBskyFeedSearchPosts.Response,
}
_B32 = "abcdefghijklmnopqrstuvwxyz234567"


def did_for(handle: str) -> str:
    digest = hashlib.sha256(handle.encode()).digest()
    return "did:plc:" + "".join(_B32[b % 32] for b in digest[:24])


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _facets(text: str) -> list[dict]:
    facets = []
    for match in re.finditer(r"https?://\S+|#\w+", text):
        start = len(text[: match.start()].encode())
        end = start + len(match.group().encode())
        feature = (
            {"$type": "app.bsky.richtext.facet#tag", "tag": match.group()[1:]}
            if match.group().startswith("#")
            else {"$type": "app.bsky.richtext.facet#link", "uri": match.group()}
        )
        facets.append({"index": {"byteStart": start, "byteEnd": end}, "features": [feature]})
    return facets


@dataclass
class AppView:
    """The state behind the server: profiles by DID, posts (newest last), faults."""

    profiles: dict = field(default_factory=dict)
    posts: list = field(default_factory=list)
    faults: list = field(default_factory=list)  # [nsid or "*", status, headers, count, calls to let through first]
    errors: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.profiles.clear()
            self.posts.clear()
            self.faults.clear()
            self.errors.clear()

    def add_profile(self, handle: str, *, display_name: str = "", description: str = "", followers: int = 0) -> str:
        did = did_for(handle)
        self.profiles[did] = {
            "did": did,
            "handle": handle,
            "displayName": display_name or handle.split(".")[0].title(),
            "description": description,
            "followersCount": followers,
            "followsCount": 0,
            "postsCount": 0,
        }
        return did

    def post(
        self, handle: str, text: str, *, at: datetime.datetime | None = None, likes=0, reposts=0, replies=0, quotes=0
    ) -> str:
        did = did_for(handle)
        profile = self.profiles[did]
        moment = at or datetime.datetime.now(datetime.UTC)
        rkey = "3l" + hashlib.sha256(f"{did}{len(self.posts)}{text}".encode()).hexdigest()[:11]
        uri = f"at://{did}/app.bsky.feed.post/{rkey}"
        self.posts.append(
            {
                "$type": "app.bsky.feed.defs#postView",
                "uri": uri,
                "cid": "bafyrei" + hashlib.sha256(uri.encode()).hexdigest()[:52],
                "author": {"did": did, "handle": profile["handle"], "displayName": profile["displayName"]},
                "record": {
                    "$type": "app.bsky.feed.post",
                    "text": text,
                    "createdAt": _iso(moment),
                    "langs": ["en"],
                    "facets": _facets(text),
                },
                "indexedAt": _iso(moment),
                "likeCount": likes,
                "repostCount": reposts,
                "replyCount": replies,
                "quoteCount": quotes,
            }
        )
        return uri

    def find(self, uri: str) -> dict:
        return next(p for p in self.posts if p["uri"] == uri)

    def delete(self, uri: str) -> None:
        self.posts[:] = [p for p in self.posts if p["uri"] != uri]

    def fault(self, nsid: str, status: int, *, headers: dict | None = None, count: int = 1, after: int = 0) -> None:
        """The next `count` calls of `nsid` ("*": any) answer `status`, after `after` calls answered normally."""
        self.faults.append([nsid, status, headers or {}, count, after])

    # --- queries ---

    def _take_fault(self, nsid: str):
        with self.lock:
            for fault in self.faults:
                if fault[0] in (nsid, "*"):
                    if fault[4] > 0:
                        fault[4] -= 1
                        return None
                    fault[3] -= 1
                    if fault[3] <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def _actor(self, actor: str) -> dict | None:
        if actor in self.profiles:
            return self.profiles[actor]
        return next((p for p in self.profiles.values() if p["handle"] == actor), None)

    def answer(self, nsid: str, query: dict) -> tuple[int, dict, dict]:
        fault = self._take_fault(nsid)
        if fault is not None:
            return fault[1], {"error": "Fault", "message": f"injected {fault[1]}"}, fault[2]
        handler = getattr(self, "q_" + nsid.replace(".", "_"), None)
        if handler is None:
            return 501, {"error": "MethodNotImplemented", "message": nsid}, {}
        return handler(query)

    def q_com_atproto_identity_resolveHandle(self, query):  # noqa: N802
        profile = self._actor(query.get("handle", [""])[0])
        if profile is None:
            return 400, {"error": "InvalidRequest", "message": "Unable to resolve handle"}, {}
        return 200, {"did": profile["did"]}, {}

    def q_app_bsky_actor_getProfile(self, query):  # noqa: N802
        profile = self._actor(query.get("actor", [""])[0])
        if profile is None:
            return 400, {"error": "InvalidRequest", "message": "Profile not found"}, {}
        return 200, dict(profile, postsCount=sum(p["author"]["did"] == profile["did"] for p in self.posts)), {}

    @staticmethod
    def _page(items: list, query: dict) -> tuple[list, str | None]:
        start = int(query.get("cursor", ["0"])[0] or 0)
        limit = min(int(query.get("limit", ["50"])[0] or 50), 100)
        page = items[start : start + limit]
        return page, (str(start + limit) if start + limit < len(items) else None)

    def q_app_bsky_feed_getAuthorFeed(self, query):  # noqa: N802
        profile = self._actor(query.get("actor", [""])[0])
        if profile is None:
            return 400, {"error": "InvalidRequest", "message": "Profile not found"}, {}
        mine = [p for p in reversed(self.posts) if p["author"]["did"] == profile["did"]]
        page, cursor = self._page(mine, query)
        return 200, {"feed": [{"post": p} for p in page], **({"cursor": cursor} if cursor else {})}, {}

    def q_app_bsky_feed_getPosts(self, query):  # noqa: N802
        wanted = query.get("uris", [])
        return 200, {"posts": [p for p in self.posts if p["uri"] in wanted]}, {}

    def q_app_bsky_feed_searchPosts(self, query):  # noqa: N802
        q = query.get("q", [""])[0].lower().strip()
        since = query.get("since", [""])[0]
        found = [
            p
            for p in reversed(self.posts)
            if (q.lstrip("#") in p["record"]["text"].lower()) and (not since or p["indexedAt"] >= since)
        ]
        page, cursor = self._page(found, query)
        return 200, {"posts": page, "hitsTotal": len(found), **({"cursor": cursor} if cursor else {})}, {}


class _Handler(BaseHTTPRequestHandler):
    appview: AppView

    def do_GET(self):  # noqa: N802
        parts = urlsplit(self.path)
        nsid = parts.path.removeprefix("/xrpc/")
        status, body, headers = self.appview.answer(nsid, parse_qs(parts.query))
        if status == 200 and nsid in RESPONSES:
            try:
                get_or_create(body, RESPONSES[nsid], strict=True)
            except Exception as exc:  # noqa: BLE001 - any validation failure is the server's bug, reported
                self.appview.errors.append(f"{nsid}: {exc}")
                status, body = 500, {"error": "InternalServerError", "message": "invalid answer"}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


class Server:
    def __init__(self, appview: AppView | None = None, host: str = "127.0.0.1", port: int = 0):
        self.appview = appview or AppView()
        self.httpd = ThreadingHTTPServer((host, port), type("H", (_Handler,), {"appview": self.appview}))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> Server:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
