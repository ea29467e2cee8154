"""The click-loss check of the tracked-link target, run by bench/run.py against the running server and
the bench database (same settings as the server):

    python bench/clicks.py --port 8000 --path /l/<code> --clients 2000 --out /tmp/clicks.json

1. flushes whatever the organization has buffered and reads the clicks stored for the link's share;
2. sends, over HTTP to the server, every one of `--clients` distinct browsers (a unique User-Agent
   each) twice — the second within the dedupe window, so it must not count — plus link-preview
   crawler requests, which must not count either: the countable requests are exactly `--clients`;
3. runs the flush (the function the Celery task runs) and reads the stored clicks again.

Writes {"sent", "countable", "stored", "lost", "extra", "statuses"}: `lost` is countable minus stored
(clicks that vanished), `extra` stored minus countable (clicks counted twice or from crawlers). The
wrk throughput measurement is separate (one client, so its clicks collapse to one per window).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import threading
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")

HOST = "127.0.0.1"
CRAWLERS = [
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Twitterbot/1.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Mastodon/4.2.0 (http.rb/5.1.1; +https://mastodon.social/)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Bluesky Cardyb/1.1",
]


def browser(i: int) -> str:
    """A realistic browser User-Agent, distinct for each i (the build number varies) and from the one
    run.py's loader and status check send (Chrome/126.0.0.0, same address: that one would be a repeat
    within the window and rightly not count)."""
    return (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/127.0.{6500 + i // 1000}.{i % 1000} Safari/537.36"
    )


def send(port: int, path: str, agents: list[str], threads: int) -> Counter:
    statuses: Counter = Counter()
    lock = threading.Lock()

    def worker(chunk: list[str]) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        local: Counter = Counter()
        for agent in chunk:
            connection.request("GET", path, headers={"User-Agent": agent, "X-Forwarded-Proto": "https"})
            response = connection.getresponse()
            response.read()
            local[response.status] += 1
            if response.will_close:
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=10)
        connection.close()
        with lock:
            statuses.update(local)

    workers = [threading.Thread(target=worker, args=(agents[n::threads],)) for n in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return statuses


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True, help="/l/<code>")
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db.models import Sum

    from advocacy.tenancy.context import organization_scope
    from advocacy.tenancy.models import Organization
    from content_library import links
    from content_library.models import ClickDaily, Share

    code = args.path.rstrip("/").rsplit("/", 1)[-1]
    organization_id, _destination = links.resolve_from_database(code)
    organization = Organization.objects.get(pk=organization_id)

    def stored() -> tuple[int, int]:
        with organization_scope(organization):
            share = Share.objects.get(organization=organization, code=code)
            rollup = ClickDaily.objects.filter(organization=organization, share=share).aggregate(n=Sum("clicks"))["n"]
            return rollup or 0, share.click_count

    links.flush_clicks(organization=organization)
    before_rollup, before_counter = stored()
    # Each browser twice (the repeat falls in the dedupe window), crawlers in between: none of those count.
    agents = [browser(i) for i in range(args.clients)]
    statuses = send(args.port, args.path, agents, args.threads)
    statuses += send(args.port, args.path, CRAWLERS * 20 + agents, args.threads)
    sent = sum(statuses.values())
    links.flush_clicks(organization=organization)
    after_rollup, after_counter = stored()
    rollup, counter = after_rollup - before_rollup, after_counter - before_counter
    result = {
        "sent": sent,
        "countable": args.clients,
        "stored": rollup,
        "stored_counter": counter,
        "lost": max(0, args.clients - min(rollup, counter)),
        "extra": max(0, max(rollup, counter) - args.clients),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }
    Path(args.out).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
