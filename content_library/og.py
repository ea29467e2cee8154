"""Open Graph preview of a link: title, description, image.

The fetch goes through the outbound guard (advocacy.core.outbound): public addresses only, checked on every
DNS answer and every redirect, the connection pinned to the checked address; plain http pages are read too.
Short timeout, small body limit, HTML only. Failures raise `PreviewError`; the admin
fills the fields in by hand then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from advocacy.core import outbound
from advocacy.core.outbound import public_address

__all__ = ["Preview", "PreviewError", "fetch_preview", "parse_preview", "public_address"]

TIMEOUT = 4.0  # each connect or read
DEADLINE = 10.0  # the whole preview: name lookups, redirects and reading, however slowly a page drips
MAX_BYTES = 1024 * 1024


class PreviewError(Exception):
    pass


@dataclass
class Preview:
    title: str = ""
    description: str = ""
    image: str = ""
    url: str = ""


def fetch_preview(
    url: str, *, allow: Callable[[str], bool] = public_address, timeout: float = TIMEOUT, deadline: float = DEADLINE
) -> Preview:
    if urlsplit(url).scheme not in ("http", "https"):
        raise PreviewError("Only http and https links can be previewed.")
    try:
        fetched = outbound.fetch(
            url,
            allow=allow,
            timeout=timeout,
            deadline=deadline,
            max_bytes=MAX_BYTES,
            schemes=("http", "https"),
            headers={"Accept": "text/html,application/xhtml+xml"},
        )
    except outbound.OutboundError as exc:
        raise PreviewError(str(exc)) from exc
    if fetched.status in outbound.REDIRECTS:
        raise PreviewError("Too many redirects.")
    if not 200 <= fetched.status < 300:
        raise PreviewError(f"The page answered {fetched.status}.")
    content_type = fetched.headers.get("content-type", "")
    if "html" not in content_type:
        raise PreviewError("The link is not a web page.")
    charset = "utf-8"
    if "charset=" in content_type:
        charset = content_type.split("charset=", 1)[1].split(";")[0].strip() or "utf-8"
    try:
        html = fetched.body.decode(charset, errors="replace")
    except LookupError:
        html = fetched.body.decode("utf-8", errors="replace")
    preview = parse_preview(html, base_url=fetched.url)
    preview.url = fetched.url
    return preview


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
