"""The feed's cards and filter options as HTML made in Python: the feed is a bench target and the
template engine costs about a millisecond per card (a node per variable, per `if`, per tag). Every
value a person typed goes through `escape` (the standard library's, which Django's wraps); the search
highlights are already escaped (selectors.highlight).

A card is made in two steps: `parts(row, base)` once when the feed page is cached (everything but the
relative time and the member's own "You shared" badge), then `cards(items)` per request.
"""

from __future__ import annotations

from html import escape

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from advocacy.core.humanize import natural_time
from advocacy.core.templatetags.ui import icon


def options(choices, selected_pk) -> SafeString:
    """<option>s for a filter <select> from (pk, unescaped label) pairs."""
    parts = []
    for pk, label in choices:
        selected = " selected" if pk == selected_pk else ""
        parts.append(f'<option value="{int(pk)}"{selected}>{escape(label)}</option>')
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped above


def parts(row: dict, base: str) -> tuple[str, str, str]:
    """The card's HTML before the relative time, between it and the "You shared" badge, and after."""
    base = escape(base)
    detail = f"{base}items/{int(row['pk'])}/"
    kind = escape(row["kind"])
    if row["has_image"]:
        thumb = f'<a class="content-thumb" href="{detail}"><img src="{detail}image/" alt="" loading="lazy"></a>'
    elif row["image_url"]:
        thumb = (
            f'<a class="content-thumb" href="{detail}"><img src="{escape(row["image_url"])}" alt="" '
            'loading="lazy" referrerpolicy="no-referrer"></a>'
        )
    else:
        thumb = (
            f'<a class="content-thumb content-thumb-{kind}" href="{detail}" aria-hidden="true" tabindex="-1">'
            f'<span class="content-thumb-letter">{escape(row["initial"])}</span></a>'
        )
    campaign = ""
    if row["campaign_id"]:
        campaign = (
            f'<a class="badge badge-primary" href="{base}campaigns/{int(row["campaign_id"])}/">'
            f"{icon('target', 12)} {escape(row['campaign_name'])}</a>"
        )
    title = row["title_html"] or escape(row["title"])
    summary = row["summary_html"] or escape(row["summary"])
    summary = f'<p class="content-summary">{summary}</p>' if summary else ""
    tags = "".join(
        f'<a class="tag{" tag-campaign" if is_campaign else ""}" href="{base}?hashtag={int(pk)}">#{escape(name)}</a>'
        for pk, name, is_campaign in row["tags"]
    )
    count = row["share_count"]
    before = (
        f'<article class="card content-card">{thumb}<div class="content-body"><div class="content-meta">'
        f'<span class="badge badge-kind-{kind}">{escape(row["kind_label"])}</span>{campaign}'
        '<span class="muted small">'
    )
    middle = (
        f'</span></div><h3 class="content-title"><a href="{detail}">{title}</a></h3>{summary}'
        f'<div class="content-tags">{tags}</div><div class="content-footer">'
        f'<span class="muted small">{icon("share", 14)} {intcomma(count)} share{"" if count == 1 else "s"}</span>'
    )
    after = f'<a class="btn btn-primary btn-sm" href="{detail}">Share</a></div></div></article>'
    return before, middle, after


def card(item: dict, now=None) -> str:
    before, middle, after = item["html"]
    now = now or timezone.now()
    when = escape(natural_time(item["publish_at"], now)) if item["publish_at"] else ""
    shared = ""
    if item["my_networks"]:
        networks = escape(", ".join(item["my_networks"]).title())
        shared = f'<span class="badge badge-success">{icon("check", 12)} You shared on {networks}</span>'
    return f"{before}{when}{middle}{shared}{after}"


def cards(items: list[dict]) -> SafeString:
    now = timezone.now()
    return mark_safe("".join(card(item, now) for item in items))  # noqa: S308 - built from escaped parts
