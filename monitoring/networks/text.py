"""Plain text and links out of a post's HTML (Mastodon sends HTML; the intake wants text)."""

from __future__ import annotations

from html.parser import HTMLParser

_BREAKS = {"br", "p", "div", "li"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            classes = set((attrs.get("class") or "").split())
            href = attrs.get("href") or ""
            # mentions and hashtags are links to profiles and tag pages, not addresses the member shared
            if href.startswith(("http://", "https://")) and not classes & {"mention", "hashtag", "u-url"}:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in _BREAKS - {"br"}:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(html: str) -> tuple[str, list[str]]:
    """(the text, with paragraphs as blank lines; the addresses linked in it, in order, once each)."""
    parser = _Text()
    try:
        parser.feed(html or "")
        parser.close()
    except Exception:  # noqa: BLE001,S110 - broken markup: keep what was parsed
        pass
    text = "".join(parser.parts)
    lines = [line.strip() for line in text.replace("\r", "").split("\n")]
    cleaned = "\n".join(lines)
    while "\n\n\n" in cleaned:
        cleaned = cleaned.replace("\n\n\n", "\n\n")
    return cleaned.strip(), list(dict.fromkeys(parser.links))
