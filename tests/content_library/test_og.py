"""Open Graph previews: the parser on fixtures, and the fetch refusing non-public addresses (against
real local HTTP servers; there is no outside network here)."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from content_library.og import PreviewError, fetch_preview, parse_preview, public_address

FIXTURES = Path(__file__).parent / "fixtures"


def test_parser_reads_open_graph_tags():
    preview = parse_preview((FIXTURES / "article.html").read_text(), base_url="https://news.example.com/a/b")
    assert preview.title == "Acme opens a solar-powered factory"
    assert preview.description == "The new plant in Lyon runs & scales on 100% renewable energy."
    assert preview.image == "https://news.example.com/images/factory.jpg"


def test_parser_falls_back_to_title_and_description_and_drops_bad_images():
    preview = parse_preview((FIXTURES / "plain.html").read_text(), base_url="https://x.example/")
    assert preview.title == "Only a title"
    assert preview.description == "Described in meta"
    assert preview.image == ""


def test_parser_survives_broken_markup():
    html = "<html><head><meta property='og:title' content='Half <title>'><p>unclosed <div <meta"
    assert parse_preview(html).title == "Half <title>"


@pytest.mark.parametrize(
    "address,allowed",
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("100.64.0.1", False),
        ("224.0.0.1", False),
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
    ],
)
def test_public_address(address, allowed):
    assert public_address(address) is allowed


class _Handler(BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):  # noqa: N802
        status, headers, body = self.routes.get(self.path, (404, {}, b""))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    servers = []

    def start(host, routes):
        handler = type("H", (_Handler,), {"routes": routes})
        httpd = ThreadingHTTPServer((host, 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://{host}:{httpd.server_address[1]}"

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_fetch_refuses_a_local_server(server):
    base = server("127.0.0.1", {"/": (200, HTML, (FIXTURES / "article.html").read_bytes())})
    with pytest.raises(PreviewError, match="not allowed"):
        fetch_preview(base + "/")
    port = base.rsplit(":", 1)[1]
    with pytest.raises(PreviewError, match="not allowed"):
        fetch_preview(f"http://localhost:{port}/")


def test_fetch_works_when_the_address_is_allowed(server):
    base = server("127.0.0.1", {"/a": (200, HTML, (FIXTURES / "article.html").read_bytes())})
    preview = fetch_preview(base + "/a", allow=lambda ip: ip == "127.0.0.1")
    assert preview.title == "Acme opens a solar-powered factory"
    assert preview.image == base + "/images/factory.jpg"


def test_redirects_are_checked_again(server):
    inner = server("127.0.0.2", {"/secret": (200, HTML, b"<title>internal admin</title>")})
    outer = server("127.0.0.1", {"/go": (302, {"Location": inner + "/secret"}, b"")})
    with pytest.raises(PreviewError, match="not allowed"):
        fetch_preview(outer + "/go", allow=lambda ip: ip == "127.0.0.1")


def test_non_html_and_errors_are_refused(server):
    base = server(
        "127.0.0.1",
        {"/img": (200, {"Content-Type": "image/png"}, b"\x89PNG"), "/gone": (410, HTML, b"")},
    )
    allow = lambda ip: True  # noqa: E731
    with pytest.raises(PreviewError, match="not a web page"):
        fetch_preview(base + "/img", allow=allow)
    with pytest.raises(PreviewError, match="410"):
        fetch_preview(base + "/gone", allow=allow)
    with pytest.raises(PreviewError, match="http and https"):
        fetch_preview("file:///etc/passwd")


@pytest.mark.django_db
def test_preview_endpoint_refuses_local_addresses(org, admin, employee, client_for, server):
    base = server("127.0.0.1", {"/": (200, HTML, (FIXTURES / "article.html").read_bytes())})
    url = f"/o/{org.slug}/content/library/preview/"
    data = client_for(admin).post(url, {"url": base + "/"}).json()
    assert data["ok"] is False and "not allowed" in data["error"]
    assert client_for(admin).post(url, {"url": "gopher://x"}).status_code == 400
    assert client_for(employee).post(url, {"url": base + "/"}).status_code == 403


class _Drip(BaseHTTPRequestHandler):
    """Sends `chunks` one by one, each well inside the read timeout; with `proper_head` it first answers
    with a normal status line and headers (a slow body), else the chunks are the head itself."""

    proper_head = True
    chunks: tuple = ()

    def do_GET(self):  # noqa: N802
        if self.proper_head:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
        try:
            for chunk in self.chunks:
                self.wfile.write(chunk)
                self.wfile.flush()
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


_SlowDrip = type("_SlowDrip", (_Drip,), {"chunks": (b"<p>drip</p>",) * 200})
_SlowHeaders = type(
    "_SlowHeaders",
    (_Drip,),
    {
        "proper_head": False,
        "chunks": tuple(bytes([b]) for b in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"x" * 200),
    },
)


@pytest.mark.parametrize("handler", [_SlowDrip, _SlowHeaders], ids=["body", "headers"])
def test_a_page_that_drips_slowly_is_given_up_on_the_whole_deadline(handler):
    """Each read comes well inside its timeout; the page would take 10 s or more in all."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        started = time.monotonic()
        with pytest.raises(PreviewError, match="took too long"):
            fetch_preview(
                f"http://127.0.0.1:{httpd.server_address[1]}/", allow=lambda ip: True, timeout=2.0, deadline=0.6
            )
        assert time.monotonic() - started < 8
    finally:
        httpd.shutdown()
        httpd.server_close()
