"""The one outbound guard: every request the product makes to an address someone typed (link previews, Mastodon
instances, Bluesky, webhooks) goes through here.

* **Public addresses only.** The host name is resolved first and *every* address of the answer is checked
  (`allowed_address`: no loopback, private, link-local, carrier-grade NAT, multicast, reserved or metadata
  ranges); the connection then goes to the checked address, so a DNS answer cannot change between the check
  and the connect. Each redirect is a new request: checked again.
* **https only** for the networks (`guarded_session`, `guarded_transport`); link previews also read plain
  http pages (`fetch(..., schemes=("http", "https"))`), still public addresses only.
* **Time and size limits.** Each connect and read has a timeout, the whole exchange a deadline, the body a
  size limit; no proxy from the environment (it would connect for us, unchecked).

Three ways in, one set of checks:

    fetch(url, ...)                  a GET by hand (http.client), for link previews
    guarded_session()                a `requests.Session` for Mastodon.py (`Mastodon(session=...)`)
    guarded_transport()              an `httpx` transport for atproto (`Request(transport=...)`)

Tests and the `make run` demo talk to sandboxes on 127.0.0.1 over plain http: `settings.OUTBOUND_ALLOW_LOOPBACK`
lets loopback addresses through (and http to them only). Settings refuse to start with it on outside DEBUG and
tests (advocacy/settings.py)."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

TIMEOUT = 10.0  # each connect or read
DEADLINE = 30.0  # a whole exchange: look-up, connect, headers, body
MAX_BYTES = 4 * 1024 * 1024
MAX_REDIRECTS = 4
USER_AGENT = "AdvocacyPlatform/1.0 (+https://advocacy.example/bot)"
REDIRECTS = (301, 302, 303, 307, 308)


class OutboundError(Exception):
    """A request the guard refused or could not complete, in words a person can read."""


class Refused(OutboundError):
    """The address or the scheme is not allowed."""


class TooSlow(OutboundError):
    """A look-up, connect, read or the whole exchange took too long."""


class TooLarge(OutboundError):
    """The answer is larger than the limit."""


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


def loopback_address(ip: str) -> bool:
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def loopback_allowed() -> bool:
    return bool(getattr(settings, "OUTBOUND_ALLOW_LOOPBACK", False))


def allowed_address(ip: str) -> bool:
    """The default check: public addresses, and loopback when the sandbox setting is on."""
    return public_address(ip) or (loopback_allowed() and loopback_address(ip))


_lookups = ThreadPoolExecutor(max_workers=16, thread_name_prefix="outbound-dns")


def resolve(host: str, port: int, allow: Callable[[str], bool] = allowed_address, timeout: float = TIMEOUT) -> str:
    """The address to connect to: every address of the answer must pass `allow` (else Refused)."""
    # getaddrinfo has no timeout of its own: wait for it in a helper thread, at most `timeout`.
    lookup = _lookups.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=timeout)
    except FutureTimeout as exc:
        lookup.cancel()  # if it has not started yet; a started lookup ends with the resolver's own timeout
        raise TooSlow(f"Looking up {host} took too long.") from exc
    except (socket.gaierror, UnicodeError) as exc:
        raise OutboundError(f"Could not find {host}.") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise OutboundError(f"Could not find {host}.")
    for address in addresses:
        if not allow(address):
            raise Refused(f"{host} points to an address that is not allowed ({address}).")
    return addresses[0]


def check_scheme(scheme: str, ip: str, schemes: tuple[str, ...]) -> None:
    """https (or the caller's schemes); plain http to a loopback sandbox when the sandbox setting is on."""
    if scheme in schemes:
        return
    if scheme == "http" and loopback_allowed() and loopback_address(ip):
        return
    raise Refused(f"Only {' and '.join(schemes)} addresses are allowed.")


def check_url(url: str, schemes: tuple[str, ...] = ("https",)) -> tuple[str, str, int]:
    """(scheme, host, port) of a well-formed address; Refused for other schemes or embedded credentials."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused("That is not a valid address.") from exc
    allowed = set(schemes) | ({"http"} if loopback_allowed() else set())
    if parts.scheme not in allowed or not parts.hostname:
        raise Refused(f"Only {' and '.join(schemes)} addresses are allowed.")
    if parts.username or parts.password:
        raise Refused("Addresses with credentials are not fetched.")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


# --- a GET by hand (link previews) -----------------------------------------------------------------------


@dataclass
class Fetched:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    url: str  # after redirects


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
        raise TooSlow("The page took too long to answer.")
    return left


@dataclass
class _Limits:
    allow: Callable[[str], bool]
    timeout: float
    deadline: float  # monotonic
    max_bytes: int
    schemes: tuple[str, ...]
    headers: dict[str, str]


def _read_body(response, limits: _Limits) -> bytes:
    body = bytearray()
    while True:
        _left(limits.deadline)
        chunk = response.read1(65536)  # one read at most: the deadline is checked often
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > limits.max_bytes:
            return bytes(body[: limits.max_bytes])  # a preview reads the head of a page: the rest is not needed


def _get_once(url: str, limits: _Limits) -> Fetched:
    scheme, host, port = check_url(url, limits.schemes)
    ip = resolve(host, port, limits.allow, min(limits.timeout, _left(limits.deadline)))
    check_scheme(scheme, ip, limits.schemes)
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    conn = cls(host, port, ip, min(limits.timeout, _left(limits.deadline)))
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    # Every read has its own timeout; this watchdog bounds them all together (a page that sends its headers or
    # body a byte at a time): at the deadline it shuts the socket, and the read in progress ends.
    expired = threading.Event()

    def cut_off():
        expired.set()
        if conn.sock is not None:
            try:
                conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    watchdog = threading.Timer(_left(limits.deadline), cut_off)
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **limits.headers})
        response = conn.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        body = _read_body(response, limits) if 200 <= response.status < 300 else b""
        if expired.is_set():
            raise TooSlow("The page took too long to answer.")
        return Fetched(response.status, headers, body, url)
    except (OSError, http.client.HTTPException) as exc:
        if expired.is_set():
            raise TooSlow("The page took too long to answer.") from exc
        raise OutboundError(f"Could not load the page ({type(exc).__name__}).") from exc
    finally:
        watchdog.cancel()
        conn.close()


def fetch(
    url: str,
    *,
    allow: Callable[[str], bool] = allowed_address,
    timeout: float = TIMEOUT,
    deadline: float = DEADLINE,
    max_bytes: int = MAX_BYTES,
    schemes: tuple[str, ...] = ("https",),
    headers: dict[str, str] | None = None,
) -> Fetched:
    """GET `url`, following at most MAX_REDIRECTS redirects (each checked again). Raises OutboundError."""
    limits = _Limits(allow, timeout, time.monotonic() + deadline, max_bytes, schemes, headers or {})
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        fetched = _get_once(current, limits)
        if fetched.status in REDIRECTS and fetched.headers.get("location"):
            current = urljoin(current, fetched.headers["location"])
            continue
        return fetched
    raise OutboundError("Too many redirects.")


# --- requests (Mastodon.py) ------------------------------------------------------------------------------


class _GuardedConnectionMixin:
    """urllib3 connects to `_dns_host`: resolve and check the host, and connect to the checked address (the TLS
    handshake still names and verifies the host)."""

    scheme = "https"
    allow: Callable[[str], bool] = staticmethod(allowed_address)

    def _new_conn(self):
        timeout = self.timeout if isinstance(self.timeout, int | float) else TIMEOUT
        ip = resolve(self._dns_host, self.port, self.allow, timeout)
        check_scheme(self.scheme, ip, ("https",))
        host = self._dns_host
        self._dns_host = ip
        try:
            return super()._new_conn()
        finally:
            self._dns_host = host


class _GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    scheme = "http"


class _GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    scheme = "https"


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """requests' adapter with the guard's connections, a timeout cap and a body limit."""

    def __init__(
        self,
        *,
        allow: Callable[[str], bool] = allowed_address,
        timeout: float = TIMEOUT,
        deadline: float = DEADLINE,
        max_bytes: int = MAX_BYTES,
    ):
        self.timeout, self.deadline, self.max_bytes = timeout, deadline, max_bytes
        check = staticmethod(allow)
        self._pools = {
            "http": type(
                "Pool", (_GuardedHTTPPool,), {"ConnectionCls": type("C", (_GuardedHTTPConnection,), {"allow": check})}
            ),
            "https": type(
                "Pool", (_GuardedHTTPSPool,), {"ConnectionCls": type("C", (_GuardedHTTPSConnection,), {"allow": check})}
            ),
        }
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        check_url(request.url)
        started = time.monotonic()
        response = super().send(request, stream=True, timeout=self.timeout, verify=verify, cert=cert, proxies={})
        body = bytearray()
        try:
            for chunk in response.raw.stream(65536, decode_content=True):
                body += chunk
                if len(body) > self.max_bytes:
                    raise TooLarge(f"The answer from {urlsplit(request.url).hostname} is too large.")
                if time.monotonic() - started > self.deadline:
                    raise TooSlow(f"{urlsplit(request.url).hostname} took too long to answer.")
        finally:
            response.close()
        response._content = bytes(body)
        response._content_consumed = True
        return response


def guarded_session(
    *,
    allow: Callable[[str], bool] = allowed_address,
    timeout: float = TIMEOUT,
    deadline: float = DEADLINE,
    max_bytes: int = MAX_BYTES,
) -> requests.Session:
    """A requests.Session whose every request (and redirect) goes through the guard."""
    session = requests.Session()
    session.trust_env = False  # no proxy or .netrc from the environment
    session.max_redirects = MAX_REDIRECTS
    session.headers["User-Agent"] = USER_AGENT
    adapter = GuardedAdapter(allow=allow, timeout=timeout, deadline=deadline, max_bytes=max_bytes)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def refusal_of(exc: BaseException | None) -> OutboundError | None:
    """The guard's error behind an exception a client library wrapped (its cause or context chain)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OutboundError):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


# --- httpx (atproto) -------------------------------------------------------------------------------------


class _GuardedBackend(httpcore.SyncBackend):
    def __init__(self, allow: Callable[[str], bool]):
        self.allow = allow

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        ip = resolve(host, port, self.allow, timeout or TIMEOUT)
        return super().connect_tcp(ip, port, timeout, local_address, socket_options)


class _LimitedStream(httpx.SyncByteStream):
    def __init__(self, stream, *, max_bytes: int, deadline: float, host: str):
        self._stream, self._max_bytes, self._deadline, self._host = stream, max_bytes, deadline, host

    def __iter__(self) -> Iterator[bytes]:
        seen = 0
        for chunk in self._stream:
            seen += len(chunk)
            if seen > self._max_bytes:
                raise TooLarge(f"The answer from {self._host} is too large.")
            if time.monotonic() > self._deadline:
                raise TooSlow(f"{self._host} took too long to answer.")
            yield chunk

    def close(self) -> None:
        self._stream.close()


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with the guard: the scheme checked per request (so per redirect), every connection
    resolved and checked by its network backend, the body limited."""

    def __init__(
        self,
        *,
        allow: Callable[[str], bool] = allowed_address,
        deadline: float = DEADLINE,
        max_bytes: int = MAX_BYTES,
        **kwargs,
    ):
        super().__init__(trust_env=False, retries=0, **kwargs)
        self._pool._network_backend = _GuardedBackend(allow)
        self._allow, self._deadline, self._max_bytes = allow, deadline, max_bytes

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        scheme, host, port = check_url(str(request.url))
        if scheme != "https":
            check_scheme(scheme, resolve(host, port, self._allow), ("https",))
        response = super().handle_request(request)
        response.stream = _LimitedStream(
            response.stream, max_bytes=self._max_bytes, deadline=time.monotonic() + self._deadline, host=host
        )
        return response


def guarded_transport(
    *, allow: Callable[[str], bool] = allowed_address, deadline: float = DEADLINE, max_bytes: int = MAX_BYTES
) -> GuardedTransport:
    return GuardedTransport(allow=allow, deadline=deadline, max_bytes=max_bytes)
