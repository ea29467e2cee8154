"""The Mastodon sandbox of the tests: mastodon-mock (a real HTTP server speaking the Mastodon API, with OAuth's
authorization-code flow, id pagination and fault injection) on 127.0.0.1 and a free port, in a thread.

Members' statuses are written through the sandbox's own API as the member (a Mastodon.py client logged in with
the seeded token, straight to the sandbox: this is the test arranging the world, not the code under test)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests
from mastodon_mock.config import DatabaseConfig, MastodonMockConfig, SeedAccount, SeedConfig, StreamingConfig
from mastodon_mock.testing import MockServer

MEMBERS = ("alice", "bob", "carol", "dave")
SEED = SeedConfig(
    accounts=[
        SeedAccount(username=name, display_name=name.title(), access_token=f"{name}_token")  # noqa: S106
        for name in MEMBERS
    ]
    + [SeedAccount(username="outsider", display_name="Someone Else", access_token="outsider_token")],  # noqa: S106
)


def start(seed: SeedConfig = SEED) -> MockServer:
    config = MastodonMockConfig(
        database=DatabaseConfig(path=":memory:"),
        seed=seed,
        streaming=StreamingConfig(enabled=False),
        url_scheme="http",
    )
    return MockServer(config=config).start()


class Sandbox:
    """What a test does to the sandbox: reset it, post as someone, inject a fault, sign in at its OAuth form."""

    def __init__(self, server: MockServer):
        self.server = server
        self.base_url = server.base_url
        self.host = urlsplit(self.base_url).netloc

    def reset(self) -> None:
        requests.post(f"{self.base_url}/api/v1/_mock/reset", timeout=10).raise_for_status()

    def as_(self, username: str):
        return self.server.client(username)

    def post(self, username: str, text: str, **kwargs):
        return self.as_(username).status_post(text, **kwargs)

    def fault(self, *, path: str, status: int, headers: dict | None = None, count: int | None = 1, kind="status"):
        effect = {"type": kind, "status": status, "headers": headers or {}}
        rule = {"match": {"path": path}, "effect": effect, "count": count}
        requests.post(f"{self.base_url}/api/v1/_mock/faults", json=rule, timeout=10).raise_for_status()

    def clear_faults(self) -> None:
        requests.delete(f"{self.base_url}/api/v1/_mock/faults", timeout=10)

    def approve(self, authorize_url: str, username: str) -> str:
        """The member picks their account on the instance's sign-in page: the address it sends them back to."""
        query = parse_qs(urlsplit(authorize_url).query)
        form = {
            "username": username,
            "redirect_uri": query["redirect_uri"][0],
            "client_id": query["client_id"][0],
            "scope": query.get("scope", ["read"])[0],
            "state": query.get("state", [""])[0],
        }
        answer = requests.post(f"{self.base_url}/oauth/authorize", data=form, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]
