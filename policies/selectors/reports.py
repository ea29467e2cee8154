"""The acknowledgement report: who is in a version's audience, who acknowledged, the cached summary."""

from __future__ import annotations

import time
from collections.abc import Sequence

from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property

from advocacy.tenancy.models import Membership, Team

from ..caching import REPORT_TTL, report_cache
from ..models import (
    Acknowledgement,
    PolicyTeam,
    PolicyVersion,
)
from .common import _int, _valid_ack

# --- the acknowledgement report ----------------------------------------------------------------------------


def _valid_user_ids(organization, anchor_id, now):
    """The users whose acknowledgement counts in the cycle started by `anchor_id` (an uncorrelated subquery:
    PostgreSQL hashes it once instead of probing the acknowledgements row by row)."""
    return (
        Acknowledgement.objects.filter(organization=organization, anchor_id=anchor_id)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .values("user_id")
    )


def _audience(organization, version):
    qs = Membership.objects.filter(organization=organization, is_active=True)
    if not version.policy.audience_all:
        qs = qs.filter(
            team_id__in=PolicyTeam.objects.filter(organization=organization, policy_id=version.policy_id).values(
                "team_id"
            )
        )
    return qs


def is_overdue(version, today=None) -> bool:
    """The one rule for "overdue", on every page, report, export and reminder: the version's due date has
    passed (in the organization's local date). Due today is not overdue yet."""
    return version.due_on is not None and version.due_on < (today or timezone.localdate())


def is_review_overdue(policy, today=None) -> bool:
    """HR's side: the policy's next review date has passed."""
    return policy.review_due_on is not None and policy.review_due_on < (today or timezone.localdate())


def acknowledgement_state(*, version, acknowledged: bool, today=None) -> str:
    """Where a member stands with a version: "acknowledged", "overdue" (not acknowledged and past its due
    date, `is_overdue`) or "due" (waiting for them). Computed when shown, never cached: a cached list
    (the home page's) turns overdue at midnight without a write."""
    if acknowledged:
        return "acknowledged"
    return "overdue" if is_overdue(version, today) else "due"


def report_people(*, organization, version, team_id=None, status: str = "", search: str = ""):
    """Active members in the version's audience, annotated with `ack_at` (their acknowledgement in the
    current cycle, or None). Filters: team (already checked against the organization), status
    acknowledged / pending / overdue, search on name or email. A fixed number of queries at any size.

    The status filters use a hashed IN over the cycle's acknowledgements; `ack_at` is a correlated
    subquery on (organization, anchor, user) that PostgreSQL evaluates only for the rows of the page."""
    now = timezone.now()
    valid = _valid_ack(organization, OuterRef("user_id"), version.ack_anchor_id, now)
    qs = _audience(organization, version)
    if team_id:
        qs = qs.filter(team_id=team_id)
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(user__email__icontains=search) | Q(user__full_name__icontains=search))
    if status in ("acknowledged", "pending", "overdue"):
        valid_ids = _valid_user_ids(organization, version.ack_anchor_id, now)
        if status == "acknowledged":
            qs = qs.filter(user_id__in=valid_ids)
        elif status == "pending" or is_overdue(version):
            qs = qs.exclude(user_id__in=valid_ids)
        else:
            qs = qs.none()  # nobody is overdue before the due date
    qs = qs.annotate(ack_at=Subquery(valid.order_by("-acknowledged_at").values("acknowledged_at")[:1]))
    return qs.select_related("user", "team").order_by("user__full_name", "user__email", "pk")


class ReportPeoplePage:
    """report_people for the report page as (name, email, team name, ack_at) rows, read by slicing (what
    Paginator does). A slice is read when first used: the page's table is a cached fragment
    (policies.caching.report_fragments, kept with the report's summary), so a page shown before reads no
    rows at all until something it shows changed or an acknowledgement ran out."""

    def __init__(self, *, organization, version, team_id=None, status: str = "", search: str = ""):
        self.organization = organization
        self.filters = {"version": version, "team_id": team_id, "status": status, "search": search}

    @cached_property
    def queryset(self):
        """Built only when rows are read from the database (a cached page needs none)."""
        people = report_people(organization=self.organization, **self.filters)
        return people.values_list("user__full_name", "user__email", "team__name", "ack_at")

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window):
        if not isinstance(window, slice) or window.step is not None:
            raise TypeError("ReportPeoplePage takes a slice")
        return LazyRows(lambda: list(self.queryset[window]))


class LazyRows(Sequence):
    """Rows loaded on first use."""

    def __init__(self, load):
        self._load = load

    @cached_property
    def rows(self) -> list:
        return self._load()

    def __getitem__(self, index):
        return self.rows[index]

    def __len__(self) -> int:
        return len(self.rows)


def _unexpired(entry: dict) -> bool:
    return entry["expires_at"] > time.time()


def _count_rows(organization, version) -> tuple[list[dict], object]:
    """(per-team totals and acknowledgements, the next time an acknowledgement runs out): two queries."""
    now = timezone.now()
    valid_ids = _valid_user_ids(organization, version.ack_anchor_id, now)
    rows = list(
        _audience(organization, version)
        .order_by()
        .values("team_id", "team__name")
        .annotate(total=Count("id"), acknowledged=Count("id", filter=Q(user_id__in=valid_ids)))
        .order_by("team__name", "team_id")
    )
    next_expiry = (
        Acknowledgement.objects.filter(
            organization=organization, anchor_id=version.ack_anchor_id, valid_until__gt=now
        ).aggregate(first=Min("valid_until"))["first"]
        if version.ack_anchor_id
        else None
    )
    return rows, next_expiry


def _percent(part, whole) -> int:
    return round(100 * part / whole) if whole else 0


def report_counts(*, organization, version, rows=None) -> dict:
    """Acknowledged / pending / overdue overall and by team. `rows` are _count_rows' (cached by
    report_summary); without them, two queries."""
    if rows is None:
        rows, _ = _count_rows(organization, version)
    overdue = is_overdue(version)
    teams, total, acked = [], 0, 0
    for row in rows:
        pending = row["total"] - row["acknowledged"]
        teams.append(
            {
                "team_id": row["team_id"],
                "team": row["team__name"] or "No team",
                "total": row["total"],
                "acknowledged": row["acknowledged"],
                "pending": pending,
                "overdue": pending if overdue else 0,
                "percent": _percent(row["acknowledged"], row["total"]),
            }
        )
        total += row["total"]
        acked += row["acknowledged"]
    pending = total - acked
    return {
        "by_team": {t["team_id"]: (t["total"], t["acknowledged"]) for t in teams},
        "total": total,
        "acknowledged": acked,
        "pending": pending,
        "overdue": pending if overdue else 0,
        "percent": _percent(acked, total),
        "teams": teams,
        "is_overdue": overdue,
    }


REPORT_VERSION_DEFERRED = ("body_markdown", "body_html", "quiz_source", "policy__summary")


def _report_version(organization, policy_id, version_id) -> PolicyVersion:
    """A published or superseded version of the organization's policy, with its policy, without the texts:
    one query. Http404 for a missing, foreign or draft version (drafts have no acknowledgements)."""
    version = (
        PolicyVersion.objects.select_related("policy")
        .defer(*REPORT_VERSION_DEFERRED)
        .filter(
            organization=organization,
            policy_id=_int(policy_id),
            pk=_int(version_id),
            status__in=(PolicyVersion.Status.PUBLISHED, PolicyVersion.Status.SUPERSEDED),
        )
        .first()
    )
    if version is None:
        raise Http404("No such version")
    return version


def report_summary(*, organization, policy_id, version_id) -> dict:
    """Everything the report page shows besides its page of people, cached until anything in the
    organization's policies, memberships or teams changes, an acknowledgement runs out or the due date
    passes (the counts change then), so that the page costs one query for its people at any size:

    {"expires_at", "version" (with its policy; Http404 as _report_version), "overdue", "counts"
     (report_counts), "teams" [(id, name)], "published" [(id, number, published_at)]}.

    Five queries to build, none when cached. The key carries the organization: a version id of another
    organization never finds an entry, and the build raises Http404 for it."""

    def compute():
        version = _report_version(organization, policy_id, version_id)
        rows, next_expiry = _count_rows(organization, version)
        ttl = REPORT_TTL
        if next_expiry is not None:
            ttl = max(1, min(ttl, int((next_expiry - timezone.now()).total_seconds())))
        return {
            "expires_at": time.time() + ttl,
            "version": version,
            "overdue": is_overdue(version),
            "counts": report_counts(organization=organization, version=version, rows=rows),
            "teams": list(Team.objects.filter(organization=organization).order_by("name").values_list("pk", "name")),
            "published": list(
                PolicyVersion.objects.filter(
                    organization=organization, policy_id=version.policy_id, number__isnull=False
                )
                .order_by("-number")
                .values_list("pk", "number", "published_at")
            ),
        }

    def still_valid(summary):
        return _unexpired(summary) and summary["overdue"] == is_overdue(summary["version"])

    summary = report_cache.get_or_compute(
        (organization.pk,), "summary", _int(version_id), compute=compute, still_valid=still_valid
    )
    if summary["version"].policy_id != _int(policy_id):
        raise Http404("No such version")
    return summary


def report_match_count(counts: dict, *, team_id=None, status: str = "") -> int:
    """How many people report_people(team_id=..., status=...) (no search) returns, from the counts."""
    if team_id:
        total, acked = counts["by_team"].get(team_id, (0, 0))
    else:
        total, acked = counts["total"], counts["acknowledged"]
    if status == "acknowledged":
        return acked
    if status == "pending":
        return total - acked
    if status == "overdue":
        return total - acked if counts["is_overdue"] else 0
    return total


def teams_for_filter(*, organization):
    return Team.objects.filter(organization=organization).order_by("name")
