"""The `make run` demo's Mastodon sandbox and the demo employees' accounts on it.

`python -m monitoring.demo_accounts` (Procfile.dev) serves a mastodon-mock instance on 127.0.0.1 (port
MASTODON_SANDBOX_PORT, 3917 by default) holding the demo employees' accounts and posts, kept in
var/mastodon-sandbox.sqlite3 so ids stay the same from one run to the next, and now and then one of the
sandbox's outsiders likes or boosts a post (engagement that grows between pulls).

`seed(demo)` (a seeder of seed_demo) connects those accounts for the demo employees: the scheduled pulls then
read them through the real client code and the outbound guard (OUTBOUND_ALLOW_LOOPBACK is on in the demo).
Some posts trip the demo rules of monitoring/demo.py (a leak, quarterly results, a competitor named in anger,
an insult, #layoffs, a paste site) and some carry negative sentiment; outsiders' posts with the organization's
hashtags are the brand mentions."""

from __future__ import annotations

import os
import random
import signal
import socket
import threading
from pathlib import Path

PORT = int(os.environ.get("MASTODON_SANDBOX_PORT", "3917"))
HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent

# (username, which demo person: a key of DemoOrg.people or an index of its employees, display name suffix)
MEMBERS = {
    "acme": [("emery", "employee"), ("morgan", "moderator"), ("ava", 0), ("ben", 1), ("chloe", 2)],
    "globex": [("emery", "employee"), ("ava", 0), ("ben", 1)],
}
POSTS = {
    "acme": {
        "emery": [
            "So proud of the team: our new solar factory in Lyon opened today! #acme #acmelife",
            "Great quarter for our customers, honestly the best launch I have worked on. #acmelife",
            "Between us, the Project Falcon roadmap leaked on a forum last night... wtf",
        ],
        "morgan": [
            "Reminder: our social media guidelines are on the intranet. Share responsibly! #acme",
            "Loved the volunteering day with the Marketing team. #acmelife",
        ],
        "ava": [
            "Globex's new product is a buggy, terrible mess. Nobody should buy it. #acme",
            "Hearing rumours about #layoffs in Engineering. Not great.",
        ],
        "ben": [
            "Our Q3 earnings will beat every estimate, trust me. #acme",
            "Full notes from the all-hands: https://pastebin.com/acme-allhands",
        ],
        "chloe": [
            "Shut up about the reorg already, you idiot managers. So tired of this.",
            "Happy to welcome three new engineers to the team this week! #acmelife",
        ],
    },
    "globex": {
        "emery": ["Globex turns 40 this year. Proud to be part of it! #globex"],
        "ava": ["Acme copied our design again. Pathetic and lazy. #globex"],
        "ben": ["Our annual results are out next week and they are awful, I have seen them."],
    },
}
OUTSIDERS = [
    ("happycustomer", "Love my new Acme drill, works perfectly. #acme"),
    ("angrycustomer", "Acme support kept me on hold for two hours. Worst service ever. #acme"),
    ("techwriter", "Acme's factory in Lyon is a genuinely impressive piece of engineering. #acmelife"),
    ("critic", "Globex prices went up again and quality went down. Disappointing. #globex"),
]
FANS = ("fan_one", "fan_two", "fan_three")


def sandbox_url() -> str:
    return f"http://{HOST}:{PORT}"


def username(slug: str, name: str) -> str:
    return f"{name}_{slug}"


def _seed_config():
    from mastodon_mock.config import SeedAccount, SeedConfig, SeedStatus

    accounts, statuses = [], []
    for slug, members in MEMBERS.items():
        for name, _who in members:
            user = username(slug, name)
            accounts.append(SeedAccount(username=user, display_name=name.title(), access_token=f"{user}_token"))
            statuses += [SeedStatus(account=user, text=text) for text in POSTS[slug].get(name, [])]
    for name, text in OUTSIDERS:
        accounts.append(SeedAccount(username=name, display_name=name.replace("_", " ").title()))
        statuses.append(SeedStatus(account=name, text=text))
    accounts += [SeedAccount(username=fan, display_name=fan.title(), access_token=f"{fan}_token") for fan in FANS]
    return SeedConfig(accounts=accounts, statuses=statuses)


def _engage(stop: threading.Event, every: float = 90.0) -> None:
    """Now and then a fan likes or boosts a member's post (what the next pull sees grow)."""
    from mastodon import Mastodon

    fans = [Mastodon(access_token=f"{fan}_token", api_base_url=sandbox_url(), request_timeout=5) for fan in FANS]
    while not stop.wait(every):
        try:
            fan = random.choice(fans)  # noqa: S311 - demo engagement, not security
            statuses = fan.timeline_public(local=True, limit=40)
            mine = [
                s
                for s in statuses
                if not s["account"]["username"].startswith(("fan_",) + tuple(o for o, _ in OUTSIDERS))
            ]
            if mine:
                target = random.choice(mine)  # noqa: S311
                (fan.status_favourite if random.random() < 0.7 else fan.status_reblog)(target["id"])  # noqa: S311
        except Exception:  # noqa: BLE001,S112 - a demo nicety: never stop the sandbox for it
            continue


def _port_free() -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, PORT))
        except OSError:
            return False
    return True


def serve() -> None:
    import uvicorn
    from mastodon_mock.app import create_app
    from mastodon_mock.config import DatabaseConfig, MastodonMockConfig, StreamingConfig

    (ROOT / "var").mkdir(exist_ok=True)
    config = MastodonMockConfig(
        domain=f"{HOST}:{PORT}",
        url_scheme="http",
        title="Demo Mastodon sandbox",
        database=DatabaseConfig(path=str(ROOT / "var" / "mastodon-sandbox.sqlite3")),
        streaming=StreamingConfig(enabled=False),
        seed=_seed_config(),
    )
    if not _port_free():
        # `make run` stops every process when one exits: stay up, idle, and say why (the pulls then show the
        # demo accounts failing, in words)
        print(f"Port {PORT} is taken: the Mastodon sandbox is not started (set MASTODON_SANDBOX_PORT).", flush=True)
        signal.pause()
        return
    stop = threading.Event()
    threading.Thread(target=_engage, args=(stop,), daemon=True).start()
    try:
        uvicorn.run(create_app(config), host=HOST, port=PORT, log_level="warning", server_header=False)
    finally:
        stop.set()


def _person(demo, who):
    return demo.people["employees"][who] if isinstance(who, int) else demo.people.get(who)


def seed(demo) -> None:
    """Connect the demo employees' sandbox accounts (idempotent: found by member and handle). The account id on
    the instance is learnt at the first pull (it verifies the token first)."""
    from advocacy.core import secrets
    from monitoring.models import ConnectedAccount, Network

    organization = demo.organization
    for name, who in MEMBERS.get(organization.slug, []):
        user = _person(demo, who)
        if user is None:
            continue
        handle = f"@{username(organization.slug, name)}@{HOST}:{PORT}"
        if ConnectedAccount.objects.filter(organization=organization, user=user, handle=handle).exists():
            continue
        ConnectedAccount.objects.create(
            organization=organization,
            user=user,
            network=Network.MASTODON,
            instance_url=sandbox_url(),
            handle=handle,
            external_id=f"sandbox:{username(organization.slug, name)}",
            display_name=name.title(),
            access_token_encrypted=secrets.encrypt(f"{username(organization.slug, name)}_token"),
            state=ConnectedAccount.State.CONNECTED,
        )


if __name__ == "__main__":
    serve()
