"""Open Graph preview of a link: title, description, image.

The fetch refuses private, loopback, link-local and other non-public addresses: the host name is
resolved first, every address is checked, and the connection goes to the checked address (so a DNS
answer cannot change between the check and the connect). Redirects are followed by hand, each hop
checked again. Short timeout, small body limit, HTML only. Failures raise `PreviewError`; the admin
fills the fields in by hand then.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

TIMEOUT = 4.0  # each connect or read
DEADLINE = 10.0  # the whole preview: name lookups, redirects and reading, however slowly a page drips
MAX_BYTES = 1024 * 1024
MAX_REDIRECTS = 4
USER_AGENT = "AdvocacyLinkPreview/1.0 (+https://advocacy.example/bot)"


class PreviewError(Exception):
    pass


@dataclass
class Preview:
    title: str = ""
    description: str = ""
    image: str = ""
    url: str = ""


def public_address(ip: str) -> bool:
    """Only globally routable unicast addresses (no private, loopback, link-local, multicast, reserved...)."""
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


_lookups = ThreadPoolExecutor(max_workers=16, thread_name_prefix="og-dns")


def _resolve(host: str, port: int, allow: Callable[[str], bool], timeout: float = TIMEOUT) -> str:
    # getaddrinfo has no timeout of its own: wait for it in a helper thread, at most `timeout`.
    lookup = _lookups.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=timeout)
    except FutureTimeout as exc:
        lookup.cancel()  # if it has not started yet; a started lookup ends with the resolver's own timeout
        raise PreviewError(f"Looking up {host} took too long.") from exc
    except (socket.gaierror, UnicodeError) as exc:
        raise PreviewError(f"Could not find {host}.") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise PreviewError(f"Could not find {host}.")
    for address in addresses:
        if not allow(address):
            raise PreviewError(f"{host} points to an address that is not allowed ({address}).")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, ip, timeout):
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self):
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, ip, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self):
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise PreviewError("The page took too long to answer.")
    return left


def _get(url: str, allow: Callable[[str], bool], timeout: float, deadline: float) -> tuple[int, dict, bytes]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PreviewError("Only http and https links can be previewed.")
    if parts.username or parts.password:
        raise PreviewError("Links with credentials are not fetched.")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    ip = _resolve(host, port, allow, min(timeout, _left(deadline)))
    cls = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    conn = cls(host, port, ip, min(timeout, _left(deadline)))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    # Every read has its own timeout; this watchdog bounds them all together (a page that sends its
    # headers or body a byte at a time): at the deadline it shuts the socket, and the read in progress ends.
    expired = threading.Event()

    def cut_off():
        expired.set()
        if conn.sock is not None:
            try:
                conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    watchdog = threading.Timer(_left(deadline), cut_off)
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.request(
            "GET",
            path,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml",
                "Accept-Encoding": "identity",
            },
        )
        response = conn.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        body = bytearray()
        if 200 <= response.status < 300:
            while len(body) < MAX_BYTES:
                _left(deadline)
                chunk = response.read1(min(65536, MAX_BYTES - len(body)))  # one read at most: checked often
                if not chunk:
                    break
                body += chunk
        if expired.is_set():
            raise PreviewError("The page took too long to answer.")
        return response.status, headers, bytes(body)
    except (OSError, http.client.HTTPException) as exc:
        if expired.is_set():
            raise PreviewError("The page took too long to answer.") from exc
        raise PreviewError(f"Could not load the page ({type(exc).__name__}).") from exc
    finally:
        watchdog.cancel()
        conn.close()


def fetch_preview(
    url: str, *, allow: Callable[[str], bool] = public_address, timeout: float = TIMEOUT, deadline: float = DEADLINE
) -> Preview:
    current = url
    ends = time.monotonic() + deadline
    for _hop in range(MAX_REDIRECTS + 1):
        status, headers, body = _get(current, allow, timeout, ends)
        if status in (301, 302, 303, 307, 308) and headers.get("location"):
            current = urljoin(current, headers["location"])
            continue
        if not 200 <= status < 300:
            raise PreviewError(f"The page answered {status}.")
        content_type = headers.get("content-type", "")
        if "html" not in content_type:
            raise PreviewError("The link is not a web page.")
        charset = "utf-8"
        if "charset=" in content_type:
            charset = content_type.split("charset=", 1)[1].split(";")[0].strip() or "utf-8"
        try:
            html = body.decode(charset, errors="replace")
        except LookupError:
            html = body.decode("utf-8", errors="replace")
        preview = parse_preview(html, base_url=current)
        preview.url = current
        return preview
    raise PreviewError("Too many redirects.")


class _MetaParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or "").strip().lower()
            if key and "content" in attrs and key not in self.meta:
                self.meta[key] = attrs["content"].strip()
        elif tag == "title" and not self.title:
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse_preview(html: str, *, base_url: str = "") -> Preview:
    parser = _MetaParser()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001,S110 - broken markup: keep what was parsed
        pass
    meta = parser.meta

    def first(*keys):
        for key in keys:
            if meta.get(key):
                return " ".join(meta[key].split())
        return ""

    title = first("og:title", "twitter:title") or " ".join(parser.title.split())
    description = first("og:description", "twitter:description", "description")
    image = first("og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src")
    if image:
        image = urljoin(base_url, image) if base_url else image
        if urlsplit(image).scheme not in ("http", "https"):
            image = ""
    return Preview(title=title[:200], description=description[:1000], image=image[:1000])
