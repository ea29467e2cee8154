#!/usr/bin/env python3
"""The benchmark: pages of bench/targets.py under load, next to a baseline view, at two data sizes.

    python bench/run.py [--quick] [--small 100] [--large 10000] [--duration 10] [--targets org_home]
    make bench ARGS="--quick"

With DATABASE_URL and REDIS_URL set it uses those servers (the database role must not be a
superuser: a superuser bypasses row-level security and the figures would flatter), and
MIGRATE_DATABASE_URL's owner role, when set, creates and migrates the database as in production;
otherwise it runs itself through `scripts/dev.py bench`, which starts the embedded ones. Then, in a
database of its own (`advocacy_bench`, dropped and created afresh):

1. migrate, collectstatic, seed_demo;
2. for each size (small, then large): generate_scale_data --employees N --orgs M and the content
   library's --content/--shares/--clicks for acme (--small-content ... --large-clicks; topping up),
   VACUUM ANALYZE; bench/probe.py counts each page's SQL queries with Django's test client and
   signs the pages' users in; gunicorn starts (production settings: DJANGO_DEBUG off, 2 sync
   workers, DJANGO_ROOT_URLCONF=bench.urls) on a free port of 127.0.0.1; each page and the baseline view are
   loaded for a fixed time with wrk (installed with apt-get when missing) after a short warm-up; a
   tracked link first gets the click-loss check (bench/clicks.py: distinct browsers, repeats and
   crawlers, then the flush; stored clicks must equal the countable requests);
3. the ceiling: a bare Django application (bench/bare/: no middleware, no app, one view) served by a
   gunicorn of its own, loaded with 32 connections before and after the same-middleware baseline and
   each page, also at 32 connections: each one's throughput as a fraction of bare Django's shows
   what the middleware stack and the page cost;
4. prints a table (bench/report.py: the verdicts and the tables), writes bench/results/<timestamp>.json
   and latest.json, and exits 1 when a target is under its throughput ratio (page / baseline requests
   per second) at the large size, its query count differs between the sizes, or any request failed.

Only 127.0.0.1 is ever loaded. This is not part of the test suite: timings are never tested.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench.targets_training  # noqa: E402,F401 - issue #15's target joins TARGETS
from bench.report import BARE, BARE_END, BASELINE_END, print_table, verdicts  # noqa: E402
from bench.targets import BASELINE, TARGETS  # noqa: E402
from bench.targets_analytics import analytics_scale_options  # noqa: E402 - issue #14's target joins TARGETS
from bench.targets_recognition import recognition_scale_options  # noqa: E402 - issue #13's target joins TARGETS
from bench.targets_review import review_scale_options  # noqa: E402 - issue #12's target joins TARGETS

PY = sys.executable
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
BARE_PATH = "/bench/bare"
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}  # as behind the production proxy (no SSL redirect)
# Every load sends what a browser sends: a tracked link answers a request without one as a script
# (redirected, not counted) and a link-preview crawler with a page of Open Graph tags.
BROWSER_HEADERS = {
    **PROXY_HEADERS,
    "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.9",
}

WRK_SCRIPT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCHJSON {\"requests\": %d, \"duration_us\": %d, \"p50_us\": %d, \"p95_us\": %d, \"p99_us\": %d, " ..
    "\"max_us\": %d, \"errors\": {\"connect\": %d, \"read\": %d, \"write\": %d, \"status\": %d, \"timeout\": %d}}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def log(message: str) -> None:
    print(f"bench: {message}", flush=True)


# --- databases -----------------------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def connect(url: str):
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    return connection


def recreate_database(server_url: str, name: str) -> str:
    """Drop and create `name`, owned by the URL's role (the owner role when there are two), which must not
    bypass row-level security."""
    with contextlib.closing(connect(with_database(server_url, "postgres"))) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT current_user, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        role, bypasses = cursor.fetchone()
        if bypasses:
            raise SystemExit(
                f"bench: the role {role!r} of DATABASE_URL is a superuser or bypasses row-level security; "
                "use the application's role (e.g. advocacy) so the figures include row-level security."
            )
        log(f"creating database {name} (owner {role})")
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return version


def vacuum_analyze(url: str) -> None:
    """Fresh statistics and visibility maps after the bulk inserts, so autovacuum does not do it
    in the middle of a measurement (only the role's own tables; catalogs are skipped)."""
    with contextlib.closing(connect(url)) as connection:
        cursor = connection.cursor()
        cursor.execute("SET client_min_messages = error")
        cursor.execute("VACUUM (ANALYZE)")


# --- Django commands and the server --------------------------------------------------------------------


def manage(env: dict, *command: str) -> None:
    log(f"manage.py {' '.join(command)}")
    subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def http_get(port: int, path: str, headers: dict, timeout: float = 10) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Server:
    """gunicorn on a free port of 127.0.0.1, stopped by its own pid."""

    def __init__(
        self, env: dict, workers: int, log_path: Path, wsgi: str = "advocacy.wsgi", ready_path: str = "/healthz"
    ):
        self.port = free_port()
        self.log_path = log_path
        command = [
            PY,
            "-m",
            "gunicorn",
            wsgi,
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(workers),
            "--threads",
            "1",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ]
        self.command = command
        self.log_file = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: gunicorn exited with {self.process.returncode}; see {log_path}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if http_get(self.port, ready_path, PROXY_HEADERS, timeout=2)[0] == 200:
                    return
            if time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"bench: gunicorn did not answer {ready_path} in 30s; see {log_path}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


# --- load ----------------------------------------------------------------------------------------------


def ensure_wrk() -> None:
    """wrk, installed with apt-get when it is missing and we may (root on a Debian-like system)."""
    if shutil.which("wrk"):
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        log("wrk is not installed: apt-get install -y wrk")
        command = ["apt-get", "install", "-y", "-q", "wrk"]
        if subprocess.run(command, check=False).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], check=True)
            subprocess.run(command, check=True)
    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is not installed and could not be installed here (apt-get install wrk)")


def load(port: int, path: str, headers: dict, connections: int, duration: float, script: Path) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "10s", "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCHJSON "))
    raw = json.loads(line[len("BENCHJSON ") :])
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 3),
        "rps": raw["requests"] / seconds if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": sum(raw["errors"].values()),
        "error_detail": raw["errors"],
    }


# --- one size ------------------------------------------------------------------------------------------


def click_check(port: int, path: str, clients: int, env: dict, workdir: Path) -> dict:
    """bench/clicks.py: distinct browsers (each twice) and crawlers, the flush, then stored == countable."""
    out = workdir / "clicks.json"
    log(f"click-loss check {path}: {clients} distinct browsers, each twice, and crawlers")
    command = [PY, "bench/clicks.py", "--port", str(port), "--path", path, "--clients", str(clients), "--out", str(out)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    result = json.loads(out.read_text())
    log(
        f"lost clicks: {result['lost']} (sent {result['sent']} requests, {result['countable']} countable, "
        f"{result['stored']} stored; {result['extra']} counted twice or from crawlers; statuses {result['statuses']})"
    )
    return result


def measure(port: int, path: str, headers: dict, connections: int, args, workdir: Path) -> dict:
    """wrk for the warm-up (not kept), then for the measured duration."""
    if args.warmup > 0:
        load(port, path, headers, connections, args.warmup, workdir / "wrk.lua")
    return load(port, path, headers, connections, args.duration, workdir / "wrk.lua")


def mean_and_spread(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    mean = sum(values) / len(values)
    return mean, (max(values) - min(values)) / mean if mean else None


def bare_comparison(size: str, env: dict, args, site_port: int, loads: dict, workdir: Path) -> dict:
    """Bare Django (its own gunicorn), then the same-middleware baseline and each page on the site's
    server, then bare Django again, all with `args.bare_connections`; ratios are to bare Django's mean."""
    connections = args.bare_connections
    bare = Server(
        {**env, "DJANGO_SETTINGS_MODULE": "bench.bare.settings"},
        args.workers,
        workdir / f"gunicorn-bare-{size}.log",
        wsgi="bench.bare.wsgi",
        ready_path=BARE_PATH,
    )
    results: dict[str, dict] = {}
    try:
        for name, port, path, headers in [
            (BARE, bare.port, BARE_PATH, BROWSER_HEADERS),
            *((name, site_port, path, headers) for name, (path, headers) in loads.items()),
            (BARE_END, bare.port, BARE_PATH, BROWSER_HEADERS),
        ]:
            log(f"loading {name} {path} ({size}) for {args.duration:g}s with {connections} connections")
            results[name] = {"path": path, **measure(port, path, headers, connections, args, workdir)}
    finally:
        bare.stop()
    bare_rps, spread = mean_and_spread([results[name]["rps"] for name in (BARE, BARE_END)])
    for result in results.values():
        result["ratio"] = result["rps"] / bare_rps if bare_rps else None
    return {"connections": connections, "bare_rps": bare_rps, "bare_spread": spread, "targets": results}


def run_size(size: str, employees: int, orgs: int, env: dict, bench_url: str, args, workdir: Path) -> dict:
    content = [
        f"--{kind}={getattr(args, f'{size}_{kind}')}" for kind in ("content", "shares", "clicks")
    ]  # the content library's data for acme at this size
    content += review_scale_options(size, args.quick)  # the review queue's items at this size
    content += recognition_scale_options(size, args.quick)  # the points ledger's entries at this size
    content += analytics_scale_options(size, args.quick)  # members' posts' engagement snapshots at this size
    manage(env, "generate_scale_data", "--employees", str(employees), "--orgs", str(orgs), *content)
    vacuum_analyze(env.get("MIGRATE_DATABASE_URL") or bench_url)  # as the tables' owner
    probe_out = workdir / f"probe-{size}.json"
    probe_command = [PY, "bench/probe.py", "--out", str(probe_out)]
    if args.targets:
        probe_command += ["--targets", args.targets]
    log(f"counting queries ({size})")
    subprocess.run(probe_command, cwd=ROOT, env=env, check=True)
    probed = json.loads(probe_out.read_text())["targets"]

    results: dict[str, dict] = {}
    loads: dict[str, tuple[str, dict]] = {}  # what was loaded, for the comparison with bare Django
    # The baseline is loaded first and again last: the ratio uses the mean of the two, and their
    # difference shows how steady the machine was during the run.
    order = list(probed) + ([BASELINE_END] if BASELINE.name in probed else [])
    server = Server(env, args.workers, workdir / f"gunicorn-{size}.log")
    try:
        for name in order:
            info = probed[BASELINE.name if name == BASELINE_END else name]
            headers = dict(BROWSER_HEADERS)
            if info["cookie"]:
                headers["Cookie"] = info["cookie"]
            status, _ = http_get(server.port, info["path"], headers)
            result = {key: info[key] for key in ("path", "user", "queries", "queries_cold", "sql")}
            result.update(status=status, expect_status=info["expect_status"])
            results[name] = result
            if status != info["expect_status"] or info["status"] != info["expect_status"]:
                log(
                    f"{name}: {info['path']} answered {status} (test client {info['status']}), "
                    f"expected {info['expect_status']}; not loaded"
                )
                continue
            if info.get("click_check"):
                result["clicks"] = click_check(server.port, info["path"], info["click_check"], env, workdir)
            log(f"loading {name} {info['path']} ({size}) for {args.duration:g}s")
            result.update(measure(server.port, info["path"], headers, args.connections, args, workdir))
            if name != BASELINE_END:
                loads[name] = (info["path"], headers)
        bare = bare_comparison(size, env, args, server.port, loads, workdir) if loads else None
    finally:
        server.stop()
    baseline_runs = [results[name]["rps"] for name in (BASELINE.name, BASELINE_END) if "rps" in results.get(name, {})]
    baseline_rps, spread = mean_and_spread(baseline_runs)
    for result in results.values():
        if baseline_rps and "rps" in result:
            result["ratio"] = result["rps"] / baseline_rps
    return {
        "size": size,
        "employees": employees,
        "orgs": orgs,
        "baseline_rps": baseline_rps,
        "baseline_spread": spread,
        "load_average_after": os.getloadavg(),
        "targets": results,
        "bare": bare,
    }


# --- main ----------------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and short loads (a smoke run)")
    parser.add_argument("--small", type=int, help="employees at the small size (default 100; quick 20)")
    parser.add_argument("--large", type=int, help="employees at the large size (default 10000; quick 1000)")
    parser.add_argument("--small-orgs", type=int, default=2, help="small organizations beside acme (small size)")
    parser.add_argument("--large-orgs", type=int, default=100, help="small organizations beside acme (large size)")
    for size, defaults in (("small", (100, 2_000, 10_000)), ("large", (5_000, 200_000, 1_000_000))):
        for kind, default in zip(("content", "shares", "clicks"), defaults, strict=True):
            parser.add_argument(
                f"--{size}-{kind}",
                type=int,
                help=f"{kind} for acme at the {size} size (default {default:,}; quick a tenth)",
            )
    parser.add_argument("--duration", type=float, help="seconds of load per page (default 10; quick 3)")
    parser.add_argument("--warmup", type=float, help="seconds of unmeasured load first (default 2; quick 1)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections of the load tool")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--bare-connections", type=int, default=32, help="connections for the comparison with bare Django"
    )
    parser.add_argument("--targets", default="", help="comma-separated target names (default: all)")
    parser.add_argument("--database", default="advocacy_bench", help="database created (dropped first) for the run")
    args = parser.parse_args(argv)
    args.small = args.small if args.small is not None else (20 if args.quick else 100)
    args.large = args.large if args.large is not None else (1000 if args.quick else 10000)
    for size, defaults in (("small", (100, 2_000, 10_000)), ("large", (5_000, 200_000, 1_000_000))):
        for kind, default in zip(("content", "shares", "clicks"), defaults, strict=True):
            name = f"{size}_{kind}"
            if getattr(args, name) is None:
                setattr(args, name, default // 10 if args.quick else default)
    args.duration = args.duration if args.duration is not None else (3 if args.quick else 10)
    args.warmup = args.warmup if args.warmup is not None else (1 if args.quick else 2)
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        dev = ROOT / "scripts" / "dev.py"
        if not dev.exists():
            raise SystemExit("bench: set DATABASE_URL and REDIS_URL")
        log("DATABASE_URL / REDIS_URL not set: running through scripts/dev.py bench (embedded servers)")
        os.execv(PY, [PY, str(dev), "bench", *argv])

    ensure_wrk()
    selected = [t for t in TARGETS if not args.targets or t.name in args.targets.split(",")]

    started = time.monotonic()
    load_at_start = os.getloadavg()
    if load_at_start[0] > (os.cpu_count() or 1) / 2:
        log(f"the machine is busy (load average {load_at_start[0]:.1f}): figures will be lower and noisier")
    bench_url = with_database(os.environ["DATABASE_URL"], args.database)
    owner_url = os.environ.get("MIGRATE_DATABASE_URL") or os.environ["DATABASE_URL"]
    server_version = recreate_database(owner_url, args.database)
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "MIGRATE_DATABASE_URL": with_database(owner_url, args.database),  # migrate runs as the owner
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "0",
        "DJANGO_TESTING": "0",
        "DEMO_MODE": "0",
        "ALLOWED_HOSTS": HOST,
        "DJANGO_ROOT_URLCONF": "bench.urls",  # the site's URLs and the baseline view
        "CACHE_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
        "CELERY_TASK_ALWAYS_EAGER": "1",  # nothing leaves for a worker of another database
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "seed_demo")

    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = Path(tmp)
        (workdir / "wrk.lua").write_text(WRK_SCRIPT)
        for size, employees, orgs in (("small", args.small, args.small_orgs), ("large", args.large, args.large_orgs)):
            runs.append(run_size(size, employees, orgs, env, bench_url, args, workdir))
            if not runs[-1]["targets"]:
                break
    checks = verdicts(runs, selected)
    print_table(runs, checks)

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "settings": {
            "loader": "wrk",
            "connections": args.connections,
            "bare_connections": args.bare_connections,
            "bare": "bench.bare.wsgi: Django without middleware or apps, one view, same gunicorn settings",
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "server": f"gunicorn, {args.workers} sync workers, 1 thread, DJANGO_DEBUG off",
            "database": f"PostgreSQL {server_version}, database {args.database}, row-level security on",
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "machine": platform.platform(),
            "load_average_at_start": load_at_start,
        },
        "runs": runs,
        "checks": checks,
        "ok": all(check["ok"] for check in checks),
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    path = RESULTS / f"bench-{stamp}.json"
    path.write_text(json.dumps(report, indent=2))
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    log(f"results in {path.relative_to(ROOT)} ({report['elapsed_s']:.0f}s in all)")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
