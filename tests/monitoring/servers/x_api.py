"""A local X API v2 for the tests: a real HTTP server on 127.0.0.1 answering as X's documentation describes the
endpoints the adapter uses (Bearer Token required; GET /2/users/by/username/:username, /2/users/:id/tweets with
since_id, max_results and pagination_token, /2/tweets?ids=, /2/tweets/search/recent), with `public_metrics`,
`entities`, `edit_history_tweet_ids`, `includes.users` and `meta` (newest_id, oldest_id, result_count,
next_token); injectable faults (429 with x-rate-limit-reset, 5xx, 401)."""

from __future__ import annotations

import datetime
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOKEN = "org-bearer-token"  # noqa: S105 - the sandbox's own credential
_ids = itertools.count(1_800_000_000_000_000_000)


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class XApi:
    users: dict = field(default_factory=dict)  # id -> user
    tweets: list = field(default_factory=list)  # oldest first
    faults: list = field(default_factory=list)  # [path prefix, status, headers, count]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        self.users.clear()
        self.tweets.clear()
        self.faults.clear()

    def add_user(self, username: str, *, name: str = "", description: str = "", followers: int = 0) -> str:
        user_id = str(next(_ids))
        self.users[user_id] = {
            "id": user_id,
            "username": username,
            "name": name or username.title(),
            "description": description,
            "public_metrics": {"followers_count": followers, "following_count": 0, "tweet_count": 0},
        }
        return user_id

    def user_id(self, username: str) -> str:
        return next(u["id"] for u in self.users.values() if u["username"].lower() == username.lower())

    def post(self, username: str, text: str, *, likes=0, retweets=0, replies=0, quotes=0, at=None) -> str:
        tweet_id = str(next(_ids))
        entities = {}
        urls = [
            {"start": m.start(), "end": m.end(), "url": m.group(), "expanded_url": m.group()}
            for m in re.finditer(r"https?://\S+", text)
        ]
        tags = [{"start": m.start(), "end": m.end(), "tag": m.group()[1:]} for m in re.finditer(r"#\w+", text)]
        if urls:
            entities["urls"] = urls
        if tags:
            entities["hashtags"] = tags
        self.tweets.append(
            {
                "id": tweet_id,
                "text": text,
                "author_id": self.user_id(username),
                "created_at": _iso(at or datetime.datetime.now(datetime.UTC)),
                "lang": "en",
                "edit_history_tweet_ids": [tweet_id],
                "public_metrics": {
                    "like_count": likes,
                    "retweet_count": retweets,
                    "reply_count": replies,
                    "quote_count": quotes,
                    "impression_count": 0,
                },
                **({"entities": entities} if entities else {}),
            }
        )
        return tweet_id

    def edit(self, tweet_id: str, text: str) -> None:
        tweet = next(t for t in self.tweets if t["id"] == tweet_id)
        tweet["text"] = text
        tweet["edit_history_tweet_ids"] = [*tweet["edit_history_tweet_ids"], str(next(_ids))]

    def delete(self, tweet_id: str) -> None:
        self.tweets[:] = [t for t in self.tweets if t["id"] != tweet_id]

    def fault(self, path: str, status: int, *, headers: dict | None = None, count: int = 1) -> None:
        self.faults.append([path, status, headers or {}, count])

    def _fault(self, path: str):
        with self.lock:
            for fault in self.faults:
                if path.startswith(fault[0]):
                    fault[3] -= 1
                    if fault[3] <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    # --- endpoints ---

    def answer(self, path: str, query: dict, authorization: str) -> tuple[int, dict, dict]:
        fault = self._fault(path)
        if fault is not None:
            return fault[1], {"title": "Fault", "detail": f"injected {fault[1]}", "status": fault[1]}, fault[2]
        if authorization != f"Bearer {TOKEN}":
            return 401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}, {}
        if match := re.fullmatch(r"/2/users/by/username/(\w+)", path):
            return self._user(match.group(1))
        if match := re.fullmatch(r"/2/users/(\d+)/tweets", path):
            return self._timeline(match.group(1), query)
        if path == "/2/tweets":
            return self._lookup(query)
        if path == "/2/tweets/search/recent":
            return self._search(query)
        return 404, {"title": "Not Found", "status": 404, "detail": path}, {}

    def _user(self, username):
        user = next((u for u in self.users.values() if u["username"].lower() == username.lower()), None)
        if user is None:
            error = {
                "value": username,
                "detail": f"Could not find user with username: [{username}].",
                "title": "Not Found Error",
            }
            return 200, {"errors": [error]}, {}
        return 200, {"data": user}, {}

    def _page(self, tweets: list, query: dict) -> tuple[int, dict, dict]:
        start = int(query.get("pagination_token", query.get("next_token", ["0"]))[0] or 0)
        limit = int(query.get("max_results", ["10"])[0])
        if not 5 <= limit <= 100:
            return 400, {"title": "Invalid Request", "detail": "max_results must be between 5 and 100"}, {}
        page = tweets[start : start + limit]
        meta = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if start + limit < len(tweets):
            meta["next_token"] = str(start + limit)
        body = {"meta": meta}
        if page:
            body["data"] = page
            body["includes"] = {"users": [self.users[a] for a in dict.fromkeys(t["author_id"] for t in page)]}
        return 200, body, {}

    def _timeline(self, user_id, query):
        since = int(query.get("since_id", ["0"])[0] or 0)
        mine = [t for t in reversed(self.tweets) if t["author_id"] == user_id and int(t["id"]) > since]
        return self._page(mine, query)

    def _lookup(self, query):
        wanted = query.get("ids", [""])[0].split(",")
        found = [t for t in self.tweets if t["id"] in wanted]
        missing = [
            {"value": i, "detail": f"Could not find tweet with ids: [{i}].", "title": "Not Found Error"}
            for i in wanted
            if i not in {t["id"] for t in found}
        ]
        return 200, {**({"data": found} if found else {}), **({"errors": missing} if missing else {})}, {}

    def _search(self, query):
        words = [w for w in query.get("query", [""])[0].lower().split() if not w.startswith("-")]
        since = int(query.get("since_id", ["0"])[0] or 0)
        found = [
            t
            for t in reversed(self.tweets)
            if int(t["id"]) > since and all(w.lstrip("#") in t["text"].lower() for w in words)
        ]
        return self._page(found, query)


class _Handler(BaseHTTPRequestHandler):
    api: XApi

    def do_GET(self):  # noqa: N802
        parts = urlsplit(self.path)
        status, body, headers = self.api.answer(
            parts.path, parse_qs(parts.query), self.headers.get("Authorization", "")
        )
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
    def __init__(self):
        self.api = XApi()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_Handler,), {"api": self.api}))
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
