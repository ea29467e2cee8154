"""A private Redis server for fault tests: started on a free port, pointed at by the cache, the click
buffer's stream client and Celery (broker and results) for one test, then stopped, paused (SIGSTOP) and
resumed by the test itself."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import pytest
import redis

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


def run_queued_tasks(*, timeout: float = 0.3) -> list[str]:
    """What a worker does: take each task message off the broker's default queue and run it. Returns the
    names of the tasks run."""
    from advocacy.celery import app
    from advocacy.tenancy.jobs import task_named

    ran = []
    with app.connection_for_read() as conn:
        queue = conn.SimpleQueue(app.conf.task_default_queue)
        try:
            while True:
                try:
                    message = queue.get(timeout=timeout)
                except queue.Empty:
                    return ran
                args, kwargs, _embed = message.payload
                name = message.headers["task"]
                task_named(name).apply(args=args, kwargs=kwargs, task_id=message.headers["id"], throw=True)
                message.ack()
                ran.append(name)
        finally:
            queue.close()
