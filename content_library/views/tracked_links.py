"""The public tracked-link redirect /l/<code> and the image of a shared graphic /l/<code>/image,
answered by TrackedLinkMiddleware (see middleware.py) without session, user or organization."""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string

from advocacy.core.request_context import client_ip
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Organization

from .. import links, selectors
from ..models import ContentItem

NOT_FOUND_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Link not found</title>'
    '<meta name="robots" content="noindex"></head><body><h1>Link not found</h1>'
    "<p>This link does not exist or is no longer available.</p></body></html>"
)


# The HTML answers of /l/ (a crawler's Open Graph page, the 404 page) have no script, style or form:
# their own strict policy, since the redirect skips the middleware that adds the site's (see middleware.py).
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src https: data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
}


def _page(html: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(html, status=status)
    for name, value in PAGE_HEADERS.items():
        response[name] = value
    return response


def _shared_item(organization_id: int, code: str) -> ContentItem | None:
    organization = Organization(pk=organization_id)
    with organization_scope(organization):  # no organization is active on /l/ (no middleware ran)
        return selectors.item_shared_by_code(organization=organization, code=code)


def _crawler_page(request, organization_id: int, code: str, destination: str) -> HttpResponse:
    """A small page with Open Graph tags for link-preview crawlers (not counted as a click). An uploaded
    image is the card's picture (served by `tracked_link_image`), else the linked page's own."""
    item = _shared_item(organization_id, code)
    title = item.title if item else ""
    description = item.summary if item else ""
    image = ""
    if item is not None:
        image = request.build_absolute_uri(f"/l/{code}/image") if item.image else item.image_url
    context = {"title": title, "description": description[:300], "destination": destination, "image": image}
    html = render_to_string("content_library/crawler_preview.html", context)
    return _page(html)


def tracked_link(request, code):
    """No session, no user, no template, no PostgreSQL write: one Redis round trip on a cache hit (one Lua
    script: the link, the dedupe SET NX and the XADD of the click). Served by TrackedLinkMiddleware, right
    after SecurityMiddleware. A request without a User-Agent is redirected but not counted."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    crawler = links.is_crawler(user_agent)  # an empty User-Agent is no crawler: redirected, not counted
    countable = not crawler and links.is_countable(user_agent)
    fingerprint = links.client_fingerprint(client_ip(request), user_agent) if countable else ""
    resolved = links.record_click(code, fingerprint=fingerprint, countable=countable)
    if resolved is None:
        return _page(NOT_FOUND_PAGE, status=404)
    organization_id, destination = resolved
    if crawler:
        return _crawler_page(request, organization_id, code, destination)
    response = HttpResponseRedirect(destination)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    response["X-Robots-Tag"] = "noindex"
    return response


IMAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "public, max-age=3600",
    "Cross-Origin-Resource-Policy": "cross-origin",
    "X-Robots-Tag": "noindex",
}


def tracked_link_image(request, code):
    """`/l/<code>/image`: the uploaded image of the item a share links to, for the preview card networks
    build from the crawler page. Public like the post it illustrates, reachable only through a share's
    code, never counted as a click; anything else (an unknown code, an item without an upload) is the
    same 404 page."""
    resolved = links.resolve(code)
    item = _shared_item(resolved[0], code) if resolved else None
    content_type = ""
    if item is not None and item.image:
        content_type = mimetypes.guess_type(item.image.name)[0] or ""
    if not content_type.startswith("image/"):
        return _page(NOT_FOUND_PAGE, status=404)
    response = FileResponse(item.image.open("rb"), content_type=content_type)
    for name, value in IMAGE_HEADERS.items():
        response[name] = value
    return response
