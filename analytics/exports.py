"""The dashboard's tables as CSV (formula cells escaped by advocacy.core.csv), one at a time (streamed) or all of
them as a zip of CSVs. Each table: its name, the action it needs, its header and its rows from the page's data."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from advocacy.core.csv import csv_stream

from .selectors.dashboard import headlines

ANONYMOUS = "A colleague"


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    action: str
    header: tuple[str, ...]
    rows: Callable[[dict], list]


def _headline_rows(data):
    return [(h["label"], h["value"], h["previous"], h["change"]["delta"]) for h in headlines(data["dashboard"])]


def _trend_rows(data):
    return [
        (p["day"], p["shares"], p["clicks"], p["sharers"], p["engagement"], p["reach"], p["mentions"])
        for p in data["dashboard"]["series"]
    ]


def _breakdown(key, name_field="name"):
    def rows(data):
        return [
            (r[name_field], r["shares"], r["clicks"], r["ctr"], r["engagement"], r["reach"])
            for r in data["dashboard"][key]
        ]

    return rows


def _team_rows(data):
    return [
        (r["name"], r["members"], r["sharers"], r["participation"], r["shares"], r["clicks"], r["ctr"], r["engagement"])
        for r in data["dashboard"]["teams"]["rows"]
    ]


def _sharer_rows(data):
    return [
        (ANONYMOUS if r["anonymous"] else r["name"], r["shares"], r["clicks"], r["engagement"])
        for r in data["dashboard"]["sharers"]
    ]


def _unshared_rows(data):
    return [(r["title"], r["publish_at"]) for r in data["dashboard"]["unshared"]["rows"]]


def _ack_rows(data):
    return [
        (r["title"], r["version"], r["total"], r["acknowledged"], r["pending"], r["overdue"], r["percent"])
        for r in data["acknowledgements"]["rows"]
    ]


def _training_rows(data):
    return [(r["title"], r["assigned"], r["completed"], r["overdue"], r["percent"]) for r in data["training"]["rows"]]


def _overdue_rows(data):
    people = [
        ("Policy", p["policy"], p["name"], p["email"], p["team"]) for p in data["acknowledgements"]["overdue_people"]
    ]
    return people + [
        ("Course", p["course"], p["name"], p["email"], p["team"]) for p in data["training"]["overdue_people"]
    ]


BREAKDOWN = ("shares", "clicks", "clicks per share", "engagement", "estimated reach")
VIEW, COMPLIANCE, MODERATION = "analytics.view", "analytics.compliance", "analytics.moderation"


def _moderation_rows(data):
    rows = [(p["day"], p["raised"], p["decided"]) for p in data["moderation"]["series"]]
    return rows


def _precision_rows(data):
    return [
        (r.name, r.category, r.flagged, r.decided, r.violations, r.percent) for r in data["moderation"]["precision"]
    ]


TABLES = {
    t.name: t
    for t in (
        Table(
            "headline", "Headline figures", VIEW, ("figure", "this period", "previous period", "change"), _headline_rows
        ),
        Table(
            "trend",
            "Trend",
            VIEW,
            ("day", "shares", "human clicks", "members who shared", "engagement", "estimated reach", "mentions"),
            _trend_rows,
        ),
        Table(
            "teams",
            "Teams",
            VIEW,
            (
                "team",
                "active members",
                "members who shared",
                "participation %",
                "shares",
                "clicks",
                "clicks per share",
                "engagement",
            ),
            _team_rows,
        ),
        Table("campaigns", "Campaigns", VIEW, ("campaign", *BREAKDOWN), _breakdown("campaigns")),
        Table("networks", "Networks", VIEW, ("network", *BREAKDOWN), _breakdown("networks")),
        Table("content", "Top content", VIEW, ("content item", *BREAKDOWN), _breakdown("content")),
        Table("sharers", "Top sharers", VIEW, ("member", "shares", "clicks", "engagement"), _sharer_rows),
        Table("unshared", "Content nobody shares", VIEW, ("content item", "published"), _unshared_rows),
        Table(
            "acknowledgements",
            "Policy acknowledgements",
            COMPLIANCE,
            ("policy", "version", "audience", "acknowledged", "pending", "overdue", "acknowledged %"),
            _ack_rows,
        ),
        Table(
            "training",
            "Training completion",
            COMPLIANCE,
            ("course", "assigned", "completed", "overdue", "completed %"),
            _training_rows,
        ),
        Table(
            "overdue",
            "Overdue people",
            COMPLIANCE,
            ("kind", "policy or course", "name", "email", "team"),
            _overdue_rows,
        ),
    )
}


def stream(table: Table, data: dict):
    return csv_stream(table.rows(data), header=table.header)


def bundle(tables: list[Table], data: dict) -> bytes:
    """A zip with one CSV per table (UTF-8 with a byte-order mark, so spreadsheets read accents right)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(f"{table.name}.csv", "\ufeff" + "".join(stream(table, data)))
    return buffer.getvalue()
