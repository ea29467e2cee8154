"""Django side of the benchmark, run by bench/run.py against the bench database (same settings as
the server it loads): resolves each target's path, signs its user in (a session in the database,
whose cookie the load tool then sends) and counts the SQL queries of one request to it, warm (after
a first request), with Django's test client through the whole middleware stack.

    python bench/probe.py --size small --out /tmp/probe.json [--targets org_home,...]

Writes JSON: {"targets": {name: {path, user, cookie, status, queries, queries_cold, sql}}}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")


def probe(target, fields_for) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    fields = fields_for(target)
    path = target.path.format(**fields)
    user = target.user.format(**fields) if target.user else None
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    if user:
        client.force_login(get_user_model().objects.get(email=user))
    with CaptureQueriesContext(connection) as cold:
        client.get(path)
    with CaptureQueriesContext(connection) as warm:
        response = client.get(path)
    # What a browser holds after loading the page: the session and, once a page has rendered a form,
    # the CSRF cookie (without it every request would mint a new CSRF secret and set it again).
    cookie = None
    if user:
        cookie = "; ".join(f"{name}={m.value}" for name, m in sorted(client.cookies.items()) if m.value)
    if user and settings.SESSION_COOKIE_NAME not in client.cookies:
        raise SystemExit(f"bench: {user} has no session cookie after signing in")
    return {
        "path": path,
        "user": user,
        "cookie": cookie,
        "status": response.status_code,
        "expect_status": target.expect_status,
        "click_check": target.click_check,
        "queries": len(warm.captured_queries),
        "queries_cold": len(cold.captured_queries),
        "sql": [query["sql"] for query in warm.captured_queries],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--targets", default="", help="comma-separated target names (default: all)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.utils.module_loading import import_string

    from advocacy.tenancy.context import organization_scope
    from advocacy.tenancy.models import Organization
    from bench.targets import BASELINE, TARGETS

    def fields_for(target) -> dict:
        organization = Organization.objects.get(slug=target.organization)
        fields = {"org": organization.slug}
        if target.setup:
            with organization_scope(organization):
                fields.update(import_string(target.setup)(organization))
        return fields

    wanted = {name for name in args.targets.split(",") if name}
    results = {}
    for target in [BASELINE, *TARGETS]:
        if wanted and target is not BASELINE and target.name not in wanted:
            continue
        results[target.name] = probe(target, fields_for)
    Path(args.out).write_text(json.dumps({"targets": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
