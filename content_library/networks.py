"""The social networks content is shared to: labels, caption length rules and share-intent URLs.

Length rules follow each network's own counting: X and Mastodon count every URL as 23 characters,
Bluesky counts graphemes (what a person sees as one character), the others count characters.
"""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

import regex
from django.db import models

# White space as Python's str.isspace() has it (what clean_text strips), written out so the live counter
# (static/js/content.js, which the page gives this rule: validation.counting_rule) uses the same set.
SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# A URL as the networks weigh it: http(s):// up to white space, <, > or a double quote. Spelled without
# flags or classes whose meaning differs between Python and JavaScript (\s, case folding).
URL_PATTERN = "[hH][tT][tT][pP][sS]?://[^" + SPACE + '<>"]+'
URL_RE = regex.compile(URL_PATTERN)
URL_WEIGHT = 23


class Network(models.TextChoices):
    LINKEDIN = "linkedin", "LinkedIn"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"


@dataclass(frozen=True)
class NetworkRule:
    limit: int
    unit: str  # "characters" or "graphemes"
    urls_as: int | None = None  # every URL counts as this many characters (None: counted as typed)


RULES: dict[str, NetworkRule] = {
    Network.LINKEDIN: NetworkRule(3000, "characters"),
    Network.X: NetworkRule(280, "characters", urls_as=URL_WEIGHT),
    Network.FACEBOOK: NetworkRule(63206, "characters"),
    Network.MASTODON: NetworkRule(500, "characters", urls_as=URL_WEIGHT),
    Network.BLUESKY: NetworkRule(300, "graphemes"),
}

ALL_NETWORKS = [n.value for n in Network]


def text_length(network: str, text: str) -> int:
    """The length of `text` as `network` counts it."""
    rule = RULES[network]
    text = text or ""
    if rule.unit == "graphemes":
        return len(regex.findall(r"\X", text))
    if rule.urls_as is None:
        return len(text)
    total = 0
    last = 0
    for match in URL_RE.finditer(text):
        total += len(text[last : match.start()]) + rule.urls_as
        last = match.end()
    return total + len(text[last:])


def compose(caption: str, link: str | None) -> str:
    """The post as published: the caption, then the link on its own line."""
    caption = (caption or "").strip()
    if not link:
        return caption
    return f"{caption}\n\n{link}" if caption else link


def over_limit(network: str, text: str) -> int:
    """How many characters `text` is over `network`'s limit (0 when it fits)."""
    return max(0, text_length(network, text) - RULES[network].limit)


def intent_url(network: str, *, caption: str, link: str | None, mastodon_instance: str = "") -> str:
    """The network's own share page, pre-filled; opened in a new tab, no credentials needed."""
    text = compose(caption, link)
    if network == Network.LINKEDIN:
        return "https://www.linkedin.com/feed/?" + urlencode({"shareActive": "true", "text": text}, quote_via=quote)
    if network == Network.X:
        params = {"text": (caption or "").strip()}
        if link:
            params["url"] = link
        return "https://x.com/intent/post?" + urlencode(params, quote_via=quote)
    if network == Network.FACEBOOK:
        if not link:  # Facebook's share page needs a link; without one, its own composer (the text is copied)
            return "https://www.facebook.com/"
        return "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": link}, quote_via=quote)
    if network == Network.MASTODON:
        instance = mastodon_instance or "mastodon.social"
        return f"https://{instance}/share?" + urlencode({"text": text}, quote_via=quote)
    if network == Network.BLUESKY:
        return "https://bsky.app/intent/compose?" + urlencode({"text": text}, quote_via=quote)
    raise ValueError(f"Unknown network {network!r}")


MASTODON_INSTANCE_RE = regex.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def clean_mastodon_instance(value: str) -> str:
    """`https://Mastodon.Social/` -> `mastodon.social`; '' when it is not a plain host name."""
    value = (value or "").strip().lower()
    for prefix in ("https://", "http://"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    value = value.split("/")[0].lstrip("@")
    if "@" in value:  # "@me@fosstodon.org" -> fosstodon.org
        value = value.rsplit("@", 1)[1]
    return value if MASTODON_INSTANCE_RE.match(value) else ""
