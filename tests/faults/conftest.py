"""What fault tests inject faults into: a private Redis server (started on a free port, pointed at by the cache,
the click buffer's stream client and Celery, broker and results, for one test, then stopped, paused with SIGSTOP
and resumed by the test itself), a real SMTP server on 127.0.0.1 (tests/mailserver.py) and a real Celery worker
process on the test database that the test kills."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from tests.mailserver import SMTPServer

REDIS_SERVER = os.environ.get("REDIS_SERVER_BIN", "redis-server")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def poll(condition, *, timeout: float = 5.0, interval: float = 0.02):
    """condition() until it is truthy (returned), or AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {condition}")
        time.sleep(interval)


class RedisServer:
    def __init__(self, directory):
        self.port = _free_port()
        self.directory = str(directory)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.paused = False

    def _answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_timeout=0.2, socket_connect_timeout=0.2).ping()
        except redis.RedisError:
            return False

    def start(self) -> None:
        """Start (or restart, empty: no persistence) and wait until it answers."""
        self.process = subprocess.Popen(  # noqa: S603 - a fixed binary and arguments
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.directory,
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        poll(self._answers)

    def stop(self) -> None:
        """Down: the process ends, connections are refused."""
        self.resume()
        self.process.terminate()
        self.process.wait(timeout=5)
        assert not self._answers()

    def pause(self) -> None:
        """Hung: connections are accepted by the kernel, nothing answers."""
        os.kill(self.process.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        if self.paused:
            os.kill(self.process.pid, signal.SIGCONT)
            self.paused = False

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)


def _point_celery_at(url: str, results: str) -> tuple[str, str]:
    from advocacy.celery import app

    previous = (app.conf.broker_url, app.conf.result_backend)
    app.conf.broker_url, app.conf.result_backend = url, results
    app._after_fork()  # Celery's own reset of its connection and producer pools (as in a forked worker)
    app._local.__dict__.pop("backend", None)  # the result backend, built again from the new URL
    return previous


@pytest.fixture
def private_redis(settings, tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    settings.REDIS_URL = server.url  # the stream client is built again (advocacy.core.cache)
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = server.url
    previous = _point_celery_at(server.url, server.url)
    try:
        yield server
    finally:
        server.kill()
        _point_celery_at(*previous)


def redis_answers_this_process() -> bool:
    """Whether this process talks to Redis again (it waits a moment after a failure, as a worker would
    before retrying: advocacy.core.cache_backend)."""
    from content_library import links

    try:
        return links.client().ping()
    except redis.RedisError:
        return False


@pytest.fixture(autouse=True)
def _nothing_left_over():
    """What a process remembers of a failed Redis (cache_backend's breaker, the contract's generations to
    replace, sessions to drop, the outbox's pause): each fault test starts and ends with none."""
    from advocacy.accounts import sessions
    from advocacy.core import cache as contract
    from advocacy.core import cache_backend, outbox

    def forget():
        cache_backend._down_until.clear()
        contract._unapplied.clear()
        sessions._stale.clear()
        outbox._paused_until = 0.0

    forget()
    yield
    forget()


def queue_names() -> list[str]:
    """Every queue tasks are sent to (the default one, and those the Celery app declares: mail, ...)."""
    from advocacy.celery import app

    declared = [queue.name for queue in app.conf.task_queues or ()]
    return sorted({app.conf.task_default_queue, *declared})


def run_queued_tasks(*, timeout: float = 0.3) -> list[str]:
    """What a worker does: take each task message off the broker's queues and run it (at once: a countdown is
    taken as passed), until none is left: the default queue waits `timeout` seconds for one more, the others
    are read without waiting. Returns the names of the tasks run."""
    from advocacy.celery import app
    from advocacy.tenancy.jobs import task_named

    ran = []
    for name in queue_names():
        with app.connection_for_read() as conn:  # one connection per queue (a closed consumer's stays in its poll)
            queue = conn.SimpleQueue(name)
            try:
                while True:
                    try:
                        if name == app.conf.task_default_queue:
                            message = queue.get(timeout=timeout)
                        else:
                            message = queue.get(block=False)
                    except queue.Empty:
                        break
                    args, kwargs, _embed = message.payload
                    task = message.headers["task"]
                    task_named(task).apply(args=args, kwargs=kwargs, task_id=message.headers["id"], throw=True)
                    message.ack()
                    ran.append(task)
            finally:
                queue.close()
    return ran


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 that this process's mail goes to (and a worker's, given its port)."""
    server = SMTPServer().start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    yield server
    server.stop()


class Worker:
    """`celery -A advocacy worker` in a process of its own, on the test database and the private Redis, mailing
    through the test's SMTP server. The test starts it, kills it (SIGKILL to its process group: no goodbye, no
    acknowledgement, no cleanup) and starts it again. Its output goes to a log file, shown when a test fails."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None, "already running"
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "advocacy",
                "worker",
                "--pool=solo",  # one process: the kill takes the task and the worker together
                "--queues",
                ",".join(queue_names()),
                "--hostname",
                f"faults-{uuid.uuid4().hex[:8]}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the kill reaches its pool children too
        )
        log.close()

    def kill(self) -> None:
        """The whole worker dies at once (the OOM killer, a lost machine)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _database_url(settings_dict: dict) -> str:
    user = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture
def celery_worker(private_redis, smtp_server, settings, tmp_path):
    """A Worker (not started) on the test database (its name, as the runtime role: committed data only, so
    `django_db(transaction=True)`), the private Redis and the test's SMTP server."""
    from django.db import connection

    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": private_redis.url,
        "DJANGO_TESTING": "1",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "30",  # longer than any wait of the test: a held answer ends by the kill, not a timeout
        "SITE_URL": settings.SITE_URL,
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("MIGRATE_DATABASE_URL", None)  # a worker never migrates
    worker = Worker(env, tmp_path / "worker.log")
    try:
        yield worker
    finally:
        worker.kill()
