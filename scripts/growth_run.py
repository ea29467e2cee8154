"""The simulated growth run of docs/scaling.md: do pages slow down as organizations are added?

    DATABASE_URL=postgres://advocacy@127.0.0.1:5432/advocacy REDIS_URL=redis://127.0.0.1:6379/5 \
        MIGRATE_DATABASE_URL=postgres://advocacy_owner@127.0.0.1:5432/advocacy \
        .venv/bin/python scripts/growth_run.py [--orgs-before 10] [--orgs-after 1000] [--rounds 3]

In one run, on fresh databases created, migrated and vacuumed by the owner role of MIGRATE_DATABASE_URL
and served as the application's role of DATABASE_URL (row-level security applies, with the policies
production has; as bench/run.py; without MIGRATE_DATABASE_URL one role does both): migrate and seed
the demo, give `acme` 10,000 members (plus content, shares and clicks), add small organizations (10
members each, each with content, shares and clicks of its own, `generate_scale_data --small-org-content`),
and measure every benchmark page (bench/targets.py): the SQL statements of one request and the time of
N sequential requests through Django's whole
middleware stack in one process (test client, session signed in; p50 and p95), warm (caches filled) and
cold (every Redis key dropped before each request). The two sizes are two databases built alike but for
the number of small organizations (`advocacy_growth_10`, `advocacy_growth_1000`), measured in alternation
for a few rounds so a busy moment of the machine weighs on both alike. Passes when every page's query
count is the same at both sizes and its p95 at the larger over p95 at the smaller is at most 1.3
(`--max-ratio`). Writes var/growth/latest.json and prints a Markdown table.

Timing in process measures what the organization count could change (queries, plans, caches) without
the HTTP server and load tool of bench/run.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import recreate_database, vacuum_analyze, with_database  # noqa: E402

PY = sys.executable
OUT = ROOT / "var" / "growth"


def log(message: str) -> None:
    print(f"growth: {message}", flush=True)


def percentile(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[int(p / 100 * (len(ordered) - 1))]


class QueryCounter:
    """Counts the SQL statements Django sends (whatever DEBUG says)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


# --- the measuring side (a subprocess with Django set up against the growth database) -------------------


def measure(requests: int, out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.utils.module_loading import import_string

    from advocacy.core.roles import as_owner
    from advocacy.tenancy.context import organization_scope
    from advocacy.tenancy.models import Organization
    from bench.targets import TARGETS

    results = {}
    for target in TARGETS:
        organization = Organization.objects.get(slug=target.organization)
        fields = {"org": organization.slug}
        if target.setup:
            with organization_scope(organization):
                fields.update(import_string(target.setup)(organization))
        path = target.path.format(**fields)
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        if target.user:
            client.force_login(get_user_model().objects.get(email=target.user.format(**fields)))
        for _ in range(20):  # warm: caches filled, connections open
            response = client.get(path)
        if response.status_code != target.expect_status:
            raise SystemExit(f"growth: {target.name} {path} answered {response.status_code}")
        result = {"path": path}
        # warm: as a visitor meets it (the caches filled); cold: every cache emptied before each request, so
        # each one reads PostgreSQL (the session from its table, the page's data from its selectors)
        for mode, count in (("warm", requests), ("cold", max(50, requests // 3))):
            if mode == "cold":
                cache.clear()
            counted = QueryCounter()
            with connection.execute_wrapper(counted):
                client.get(path)
            timings = []
            for _ in range(count):
                if mode == "cold":
                    cache.clear()
                started = time.perf_counter()
                client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            result[mode] = {"queries": counted.n, "timings_ms": timings}
            log(f"  {target.name} {mode}: {percentile(timings, 95):.2f} ms p95, {counted.n} queries")
        results[target.name] = result
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tenancy_organization")
        (organizations,) = cursor.fetchone()
    # every organization's rows: as the owner, whose sessions may cross organizations (the runtime role may not)
    with as_owner() as owner, owner.cursor() as cursor:
        cursor.execute("SELECT set_config('app.bypass_rls', 'on', false)")
        counts = {}
        for table in ("tenancy_membership", "content_library_contentitem", "content_library_share"):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(sum(clicks), 0) FROM content_library_clickdaily")
        counts["clicks"] = int(cursor.fetchone()[0])
    out.write_text(json.dumps({"organizations": organizations, "rows": counts, "targets": results}, indent=2))


# --- the driving side --------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs-before", type=int, default=10)
    parser.add_argument("--orgs-after", type=int, default=1000)
    parser.add_argument("--employees", type=int, default=10000)
    parser.add_argument("--small-org-content", type=int, default=10)
    parser.add_argument("--requests", type=int, default=150, help="warm requests per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-ratio", type=float, default=1.3)
    parser.add_argument("--database", default="advocacy_growth")
    parser.add_argument("--reuse", action="store_true", help="measure the databases of an earlier run again")
    parser.add_argument("--measure", metavar="OUT", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def growth_env(url: str, owner_url: str, secret: str, orgs: int) -> dict:
    """The environment of the commands and the measuring subprocess against one growth database."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "MIGRATE_DATABASE_URL": owner_url,  # migrate runs as the owner
        "SECRET_KEY": secret,
        "DJANGO_DEBUG": "0",
        "DEMO_MODE": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CACHE_KEY_PREFIX": f"growth-{orgs}",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }


def build_database(args, env: dict, orgs: int, *, first: bool) -> None:
    """Migrate, seed the demo and generate the data of one size, then VACUUM ANALYZE."""

    def manage(*command: str) -> None:
        log(f"manage.py {' '.join(command)}")
        subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603 - our own command

    manage("migrate", "--noinput", "-v0")
    if first:
        manage("collectstatic", "--noinput", "-v0")
    manage("seed_demo")
    manage(
        "generate_scale_data",
        "--employees",
        str(args.employees),
        "--orgs",
        str(orgs),
        "--content=2000",
        "--shares=50000",
        "--clicks=200000",
        f"--small-org-content={args.small_org_content}",
    )
    vacuum_analyze(env["MIGRATE_DATABASE_URL"])  # as the tables' owner


def prepare_databases(args, sizes: tuple[int, int]) -> tuple[dict[int, dict], str]:
    """One database per size (created afresh and built, or reused with --reuse); returns the environment
    of each size and the server's version."""
    secret = secrets.token_urlsafe(50)
    envs, server_version = {}, ""
    for orgs in sizes:
        name = f"{args.database}_{orgs}"
        owner = os.environ.get("MIGRATE_DATABASE_URL") or os.environ["DATABASE_URL"]
        url, owner_url = with_database(os.environ["DATABASE_URL"], name), with_database(owner, name)
        server_version = "(reused)" if args.reuse else recreate_database(owner, name)
        envs[orgs] = growth_env(url, owner_url, secret, orgs)
        if not args.reuse:
            build_database(args, envs[orgs], orgs, first=orgs == sizes[0])
    return envs, server_version


def measure_rounds(args, sizes: tuple[int, int], envs: dict[int, dict]) -> dict[int, dict]:
    """Measured in alternation, round by round, so a busy moment of the machine falls on both sizes alike."""
    stages = {orgs: {"targets": {}} for orgs in sizes}
    for round_ in range(1, args.rounds + 1):
        for orgs in sizes:
            out = OUT / f"round-{round_}-{orgs}.json"
            log(f"round {round_}: measuring with {orgs} small organizations")
            command = [PY, __file__, "--measure", str(out), "--requests", str(args.requests)]
            subprocess.run(command, env=envs[orgs], check=True)  # noqa: S603 - this script
            merge_round(stages[orgs], json.loads(out.read_text()))
    return stages


def merge_round(stage: dict, measured: dict) -> None:
    """Add one round's measurements of a size to what the earlier rounds measured."""
    stage["organizations"], stage["rows"] = measured["organizations"], measured["rows"]
    for name, result in measured["targets"].items():
        kept = stage["targets"].setdefault(name, {"path": result["path"]})
        for mode in ("warm", "cold"):
            entry = kept.setdefault(mode, {"queries": set(), "timings_ms": []})
            entry["queries"].add(result[mode]["queries"])
            entry["timings_ms"] += result[mode]["timings_ms"]


def compare(before: dict, after: dict, max_ratio: float) -> tuple[list[tuple], bool]:
    """Each page and mode at both sizes: (name, mode, one, two, p95 one, p95 two, ratio, same queries), and
    whether every page kept its query count and its p95 ratio within `max_ratio`."""
    rows = []
    ok = True
    for name, first in before["targets"].items():
        for mode in ("warm", "cold"):
            one, two = first[mode], after["targets"][name][mode]
            p95_one, p95_two = percentile(one["timings_ms"], 95), percentile(two["timings_ms"], 95)
            ratio = p95_two / p95_one
            same = len(one["queries"] | two["queries"]) == 1
            ok = ok and same and ratio <= max_ratio
            rows.append((name, mode, one, two, p95_one, p95_two, ratio, same))
    return rows, ok


def summarize(rows: list[tuple]) -> list[dict]:
    return [
        {
            "page": name,
            "caches": mode,
            "queries": [sorted(one["queries"]), sorted(two["queries"])],
            "p50_ms": [statistics.median(one["timings_ms"]), statistics.median(two["timings_ms"])],
            "p95_ms": [p95_one, p95_two],
            "ratio": ratio,
            "p50_ratio": statistics.median(two["timings_ms"]) / statistics.median(one["timings_ms"]),
            "samples": [len(one["timings_ms"]), len(two["timings_ms"])],
        }
        for name, mode, one, two, p95_one, p95_two, ratio, _same in rows
    ]


def print_report(before: dict, after: dict, sizes: tuple[int, int], rows: list[tuple]) -> None:
    """The organizations and rows of both sizes, then the Markdown table of docs/scaling.md."""
    print()
    print(f"organizations: {before['organizations']} / {after['organizations']}")
    print(f"rows: {before['rows']} / {after['rows']}")
    print()
    print(
        f"| page | caches | queries ({sizes[0]} / {sizes[1]} small orgs) | p50 ms | "
        f"p95 ms ({sizes[0]}) | p95 ms ({sizes[1]}) | p95 ratio |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, mode, one, two, p95_one, p95_two, ratio, same in rows:
        queries = f"{'/'.join(map(str, sorted(one['queries'])))} / {'/'.join(map(str, sorted(two['queries'])))}"
        print(
            f"| {name} | {mode} | {queries}{'' if same else ' (differs!)'} | "
            f"{statistics.median(one['timings_ms']):.2f} / {statistics.median(two['timings_ms']):.2f} | "
            f"{p95_one:.2f} | {p95_two:.2f} | {ratio:.2f} |"
        )
    print()


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.measure:
        measure(args.requests, Path(args.measure))
        return 0

    if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        raise SystemExit("growth: set DATABASE_URL and REDIS_URL")
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = (args.orgs_before, args.orgs_after)
    envs, server_version = prepare_databases(args, sizes)
    stages = measure_rounds(args, sizes, envs)

    before, after = (stages[orgs] for orgs in sizes)
    rows, ok = compare(before, after, args.max_ratio)
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": f"PostgreSQL {server_version}, row-level security on",
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "rounds": args.rounds,
        "max_ratio": args.max_ratio,
        "organizations": [before["organizations"], after["organizations"]],
        "rows": [before["rows"], after["rows"]],
        "pages": summarize(rows),
        "passed": ok,
    }
    (OUT / "latest.json").write_text(json.dumps(report, indent=2))
    print_report(before, after, sizes, rows)
    log("PASSED" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
