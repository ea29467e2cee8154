"""Which share a member's post carries: one of our tracked links (SITE_URL/l/<code>), or the address of a
content item — the member's own share of it when there is one. Asked of content_library through its selector,
once per batch."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from content_library.selectors import shares_for_addresses
from monitoring.intake.rules import URL_PATTERN

_CODE = re.compile(r"^/l/([A-Za-z0-9_-]{4,16})/?$")


@dataclass(frozen=True)
class Attribution:
    share_id: int | None = None
    content_item_id: int | None = None
    campaign_id: int | None = None
    link: str = ""  # the address that made it the employer's content ("" if none)


NONE = Attribution()


def links_of(text: str, links: Iterable[str]) -> list[str]:
    in_text = (m.group(0).rstrip(".,;:!?") for m in URL_PATTERN.finditer(text))
    return list(dict.fromkeys([*links, *in_text]))


def _site() -> tuple[str, str]:
    site = urlsplit(settings.SITE_URL)
    return (site.hostname or "").lower(), site.netloc.lower()


def tracked_code(link: str) -> str:
    """The code of one of our tracked links, or ""."""
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return ""
    host, netloc = _site()
    if parts.netloc.lower() not in (host, netloc):
        return ""
    m = _CODE.match(parts.path)
    return m.group(1) if m else ""


def address_variants(link: str) -> list[str]:
    """The forms a content item's address may be stored in: as written, without query and fragment, with
    and without a trailing slash."""
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return []
    bare = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    variants = [link.strip(), bare, bare.rstrip("/"), bare.rstrip("/") + "/"]
    return list(dict.fromkeys(v for v in variants if v))


def attribute(*, organization, posts: list[tuple[int, list[str]]]) -> list[Attribution]:
    """For each (user id, links) the attribution, in the same order."""
    codes, urls = set(), set()
    for _user_id, links in posts:
        for link in links:
            code = tracked_code(link)
            if code:
                codes.add(code)
            else:
                urls.update(address_variants(link))
    if not codes and not urls:
        return [NONE] * len(posts)
    found = shares_for_addresses(
        organization=organization, codes=codes, urls=urls, user_ids={user_id for user_id, _ in posts}
    )
    return [_one(user_id, links, found) for user_id, links in posts]


def _one(user_id: int, links: list[str], found: dict) -> Attribution:
    for link in links:
        share = found["codes"].get(tracked_code(link))
        if share is not None:
            return Attribution(share.pk, share.content_id, share.campaign_id, link)
    for link in links:
        for variant in address_variants(link):
            item = found["items"].get(variant)
            if item is None:
                continue
            share = found["shares"].get((user_id, item.pk))
            if share is not None:
                return Attribution(share.pk, share.content_id, share.campaign_id, link)
            return Attribution(None, item.pk, item.campaign_id, link)
    return NONE
