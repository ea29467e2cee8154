"""Formatting of the analytics figures, and the dashboard's headline on the organization home page."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def figure(value, kind="count"):
    """A headline value as people read it: 12,345 · 42.5% · 1.25 · 1,234.50."""
    if value is None:
        return "—"
    if kind == "percent":
        return f"{value:,.1f}%".replace(".0%", "%")
    if kind == "ratio":
        return f"{value:,.2f}"
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    return f"{value:,}"


@register.filter
def movement(change, kind=""):
    """The change of a figure in words: "+12%", "+5 pts" (for a percentage), "no change", "up from none"."""
    if change["direction"] == "none":
        return ""
    if change["direction"] == "flat":
        return _("no change")
    if kind == "percent":
        return _("%(points)s pts") % {"points": f"{change['delta']:+.1f}".replace(".0", "")}
    if change["percent"] is None:
        return _("up from none") if change["direction"] == "up" else ""
    return f"{change['percent']:+d}%"


@register.inclusion_tag("analytics/_home_headline.html", takes_context=True)
def analytics_headline(context):
    """The dashboard's headline (last 30 days) for members who see the dashboard; nothing for the others."""
    membership = context.get("membership")
    organization = context.get("organization")
    if membership is None or organization is None or not membership.may("analytics.view"):
        return {"show": False}
    from analytics import selectors

    today = selectors.local_today(selectors.organization_zone(organization))
    data = selectors.home_headline(organization=organization, filters=selectors.default_filters(today))
    lines = [line for line in selectors.headlines(data) if line["key"] in ("participation", "shares", "clicks", "emv")]
    return {"show": True, "lines": lines, "organization": organization, "currency": data["config"]["currency"]}


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
