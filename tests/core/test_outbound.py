"""The outbound guard (advocacy.core.outbound) against real servers on 127.0.0.1: every refused case (loopback,
private and metadata addresses, a bad address among the DNS answers, redirects, plain http, credentials, size,
time), through each way in (fetch, the requests session of Mastodon.py, the httpx transport of atproto)."""

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import requests

from advocacy.core import outbound
from advocacy.core.outbound import OutboundError, Refused, TooLarge, TooSlow


class _Handler(BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):  # noqa: N802
        status, headers, body = self.routes.get(self.path, (404, {}, b"missing"))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    servers = []

    def start(host, routes):
        httpd = ThreadingHTTPServer((host, 0), type("H", (_Handler,), {"routes": routes}))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://{host}:{httpd.server_address[1]}"

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


ROOT = Path(__file__).resolve().parents[2]
JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.8", "172.20.1.1", "192.168.0.10", "169.254.169.254", "fd00:ec2::254", "::1", "0.0.0.0"],
)
def test_non_public_addresses_are_refused_even_with_the_sandbox_setting(address, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    assert outbound.allowed_address(address) is False
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    assert outbound.allowed_address(address) is (address in {"127.0.0.1", "::1"})


def test_every_dns_answer_is_checked():
    # "localhost" answers 127.0.0.1 (and ::1): one refused address refuses the host
    with pytest.raises(Refused, match="not allowed"):
        outbound.resolve("localhost", 80, allow=lambda ip: ip == "::1")
    assert outbound.resolve("127.0.0.1", 80, allow=lambda ip: True) == "127.0.0.1"
    with pytest.raises(OutboundError, match="Could not find"):
        outbound.resolve("no-such-host.invalid", 443)


def test_plain_http_and_credentials_are_refused(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    with pytest.raises(Refused, match="Only https"):
        outbound.check_scheme("http", "93.184.216.34", ("https",))  # a public host over http
    outbound.check_scheme("http", "127.0.0.1", ("https",))  # the sandbox
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    with pytest.raises(Refused, match="Only https"):
        outbound.check_scheme("http", "127.0.0.1", ("https",))
    with pytest.raises(Refused, match="credentials"):
        outbound.check_url("https://user:pw@example.com/")
    with pytest.raises(Refused):
        outbound.check_url("ftp://example.com/")


def test_fetch_refuses_loopback_unless_the_sandbox_setting_is_on(server, settings):
    base = server("127.0.0.1", {"/a": (200, JSON, b"{}")})
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    with pytest.raises(Refused):
        outbound.fetch(base + "/a")
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    assert outbound.fetch(base + "/a").body == b"{}"


def test_session_refuses_loopback_and_checks_every_redirect(server, settings):
    inner = server("127.0.0.2", {"/secret": (200, JSON, b'{"secret": 1}')})
    outer = server("127.0.0.1", {"/go": (302, {"Location": inner + "/secret"}, b""), "/ok": (200, JSON, b"[1]")})
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    with pytest.raises(Refused):
        outbound.guarded_session().get(outer + "/ok")
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    session = outbound.guarded_session(allow=lambda ip: ip == "127.0.0.1")
    assert session.get(outer + "/ok").json() == [1]
    with pytest.raises(Refused, match="not allowed"):
        session.get(outer + "/go")


def test_session_limits_size_and_keeps_no_proxy(server, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    base = server("127.0.0.1", {"/big": (200, JSON, b"x" * 5000), "/small": (200, JSON, b"[]")})
    session = outbound.guarded_session(max_bytes=1000)
    assert session.trust_env is False
    with pytest.raises(TooLarge):
        session.get(base + "/big")
    assert session.get(base + "/small").content == b"[]"
    looped = server("127.0.0.1", {"/loop": (302, {"Location": "/loop"}, b"")})
    with pytest.raises(requests.exceptions.TooManyRedirects):
        session.get(looped + "/loop")


def test_httpx_transport_refuses_loopback_checks_redirects_and_limits_size(server, settings):
    inner = server("127.0.0.2", {"/secret": (200, JSON, b'{"secret": 1}')})
    outer = server(
        "127.0.0.1",
        {
            "/go": (302, {"Location": inner + "/secret"}, b""),
            "/ok": (200, JSON, b"[2]"),
            "/big": (200, JSON, b"y" * 5000),
        },
    )
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    with httpx.Client(transport=outbound.guarded_transport(), trust_env=False) as client, pytest.raises(Refused):
        client.get(outer + "/ok")
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    transport = outbound.guarded_transport(allow=lambda ip: ip == "127.0.0.1", max_bytes=1000)
    with httpx.Client(transport=transport, trust_env=False, follow_redirects=True) as client:
        assert client.get(outer + "/ok").json() == [2]
        with pytest.raises(Refused, match="not allowed"):
            client.get(outer + "/go")
        with pytest.raises(TooLarge):
            client.get(outer + "/big")


class _Drip(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        try:
            for _ in range(200):
                self.wfile.write(b" ")
                self.wfile.flush()
                threading.Event().wait(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


def test_a_slow_answer_is_given_up_at_the_deadline(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Drip)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        with pytest.raises(TooSlow):
            outbound.fetch(url, deadline=0.5)
        with pytest.raises(TooSlow):
            outbound.guarded_session(deadline=0.5).get(url)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_production_settings_refuse_the_sandbox_setting():
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_DEBUG", "DEMO_MODE"}}
    env.update(OUTBOUND_ALLOW_LOOPBACK="1", DJANGO_TESTING="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="a.example")
    result = subprocess.run(
        [sys.executable, "-c", "import advocacy.settings"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "OUTBOUND_ALLOW_LOOPBACK" in result.stderr
    env["DJANGO_DEBUG"] = "1"
    assert subprocess.run([sys.executable, "-c", "import advocacy.settings"], cwd=ROOT, env=env).returncode == 0
