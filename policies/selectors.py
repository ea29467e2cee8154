"""Reads of policies, versions, acknowledgements and questions. `organization` always comes first.

`member_may_share` is the gate other apps (the content library) call before a member shares.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from advocacy.permissions import action_map
from advocacy.tenancy.models import Membership, Team

from .caching import REPORT_TTL, pending_cache, report_cache
from .markup import hash_code
from .models import (
    Acknowledgement,
    Policy,
    PolicyKind,
    PolicyQuestion,
    PolicyTeam,
    PolicyVersion,
    QuizAttempt,
    VersionReview,
)

SHARE_GATE_SETTING = "require_policy_ack_to_share"
REMINDER_DAYS_SETTING = "policy_reminder_days"
DEFAULT_REMINDER_DAYS = 7


# --- organization settings (kept in Organization.settings) ------------------------------------------------


def share_gate_enabled(organization) -> bool:
    return bool((organization.settings or {}).get(SHARE_GATE_SETTING, False))


def reminder_days(organization) -> int:
    try:
        days = int((organization.settings or {}).get(REMINDER_DAYS_SETTING, DEFAULT_REMINDER_DAYS))
    except (TypeError, ValueError):
        days = DEFAULT_REMINDER_DAYS
    return max(days, 0)


# --- the share gate ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareGate:
    allowed: bool
    reason: str = ""  # human sentence shown to the member when not allowed
    url: str | None = None  # where to go to fix it (the policy to acknowledge)


def _valid_ack(organization, user, anchor_ref, now):
    return Acknowledgement.objects.filter(organization=organization, user=user, anchor_id=anchor_ref).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )


def _in_audience(organization, user, policy_ref="pk"):
    team = Membership.objects.filter(organization=organization, user=user, is_active=True).values("team_id")[:1]
    return Exists(PolicyTeam.objects.filter(organization=organization, policy_id=OuterRef(policy_ref), team_id=team))


def member_may_share(*, organization, user) -> ShareGate:
    """May `user` share content in `organization`? Only when the organization requires it: every active
    social-media policy whose audience includes the member must be acknowledged in its current cycle.
    Zero queries when the gate is off, one when it is on."""
    if not share_gate_enabled(organization):
        return ShareGate(True)
    now = timezone.now()
    missing = (
        Policy.objects.filter(
            organization=organization,
            status=Policy.Status.ACTIVE,
            kind=PolicyKind.SOCIAL_MEDIA,
            current_version__isnull=False,
        )
        .annotate(
            acked=Exists(_valid_ack(organization, user, OuterRef("current_version__ack_anchor_id"), now)),
            in_team=_in_audience(organization, user),
        )
        .filter(Q(audience_all=True) | Q(in_team=True), acked=False)
        .order_by("title")
        .values("pk", "title")
        .first()
    )
    if missing is None:
        return ShareGate(True)
    return ShareGate(
        False,
        reason=f"Please read and acknowledge the {missing['title']} before sharing content.",
        url=reverse("policies_detail", kwargs={"org_slug": organization.slug, "policy_id": missing["pk"]}),
    )


# --- look-ups by id ----------------------------------------------------------------------------------------


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("Not found")


def get_policy_for_org(organization, policy_id) -> Policy:
    try:
        return Policy.objects.select_related("owner", "current_version").get(
            organization=organization, pk=_int(policy_id)
        )
    except Policy.DoesNotExist:
        raise Http404("No such policy")


def get_version_for_org(organization, version_id, *, policy=None) -> PolicyVersion:
    qs = PolicyVersion.objects.select_related("policy", "created_by", "reviewer", "published_by", "approved_by")
    qs = qs.filter(organization=organization, pk=_int(version_id))
    if policy is not None:
        qs = qs.filter(policy=policy)
    version = qs.first()
    if version is None:
        raise Http404("No such version")
    return version


def get_question_for_org(organization, question_id) -> PolicyQuestion:
    try:
        return PolicyQuestion.objects.select_related("policy", "version", "asked_by", "answered_by").get(
            organization=organization, pk=_int(question_id)
        )
    except PolicyQuestion.DoesNotExist:
        raise Http404("No such question")


def membership_of(*, organization, user) -> Membership | None:
    return Membership.objects.filter(organization=organization, user=user, is_active=True).first()


def audience_team_ids(*, organization, policy) -> list[int]:
    return list(PolicyTeam.objects.filter(organization=organization, policy=policy).values_list("team_id", flat=True))


def is_in_audience(*, organization, policy, membership) -> bool:
    if membership is None or not membership.is_active:
        return False
    if policy.audience_all:
        return True
    return (
        membership.team_id is not None
        and PolicyTeam.objects.filter(organization=organization, policy=policy, team_id=membership.team_id).exists()
    )


def valid_acknowledgement(*, organization, user, version) -> Acknowledgement | None:
    """The acknowledgement that currently counts for `version` (its cycle), if any."""
    if version.ack_anchor_id is None:
        return None
    return (
        _valid_ack(organization, user, version.ack_anchor_id, timezone.now())
        .select_related("version")
        .order_by("-acknowledged_at")
        .first()
    )


# --- lists -------------------------------------------------------------------------------------------------


def policy_list_for_member(*, organization, user):
    """Active published policies in the member's audience, with `acked` (current cycle) and `my_ack_at`."""
    now = timezone.now()
    valid = _valid_ack(organization, user, OuterRef("current_version__ack_anchor_id"), now)
    return (
        Policy.objects.filter(organization=organization, status=Policy.Status.ACTIVE, current_version__isnull=False)
        .select_related("current_version", "owner")
        .annotate(
            in_team=_in_audience(organization, user),
            acked=Exists(valid),
            my_ack_at=Subquery(valid.order_by("-acknowledged_at").values("acknowledged_at")[:1]),
        )
        .filter(Q(audience_all=True) | Q(in_team=True))
        .order_by("title")
    )


def pending_for_member(*, organization, user) -> list[Policy]:
    """What the member still has to acknowledge (the onboarding banner, the reminder emails): one query."""
    return [p for p in policy_list_for_member(organization=organization, user=user) if not p.acked]


def pending_for_member_cached(*, organization, user) -> list[Policy]:
    """pending_for_member, cached per member until anything in the organization's policies changes."""
    return pending_cache.get_or_compute(
        (organization.pk,), user.pk, compute=lambda: pending_for_member(organization=organization, user=user)
    )


def policy_list_for_staff(*, organization, status: str = "active", kind: str = "", search: str = ""):
    open_draft = PolicyVersion.objects.filter(
        organization=organization, policy_id=OuterRef("pk"), status__in=PolicyVersion.OPEN
    )
    qs = (
        Policy.objects.filter(organization=organization)
        .select_related("current_version", "owner")
        .annotate(
            draft_status=Subquery(open_draft.values("status")[:1]),
            version_count=Count("versions", filter=Q(versions__number__isnull=False)),
        )
    )
    if status in (Policy.Status.ACTIVE, Policy.Status.ARCHIVED):
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if search.strip():
        qs = qs.filter(title__icontains=search.strip())
    return qs.order_by("title")


def version_list(*, organization, policy, include_drafts: bool):
    qs = PolicyVersion.objects.filter(organization=organization, policy=policy).select_related(
        "published_by", "created_by", "reviewer"
    )
    if not include_drafts:
        qs = qs.filter(number__isnull=False)
    return qs.order_by("-number", "-created_at")


def previous_version(*, organization, policy, version) -> PolicyVersion | None:
    """The published version before `version` (None for the first one, or a draft)."""
    if not version.number:
        return None
    return (
        PolicyVersion.objects.filter(organization=organization, policy=policy, number__lt=version.number)
        .order_by("-number")
        .first()
    )


def open_draft(*, organization, policy) -> PolicyVersion | None:
    return (
        PolicyVersion.objects.filter(organization=organization, policy=policy, status__in=PolicyVersion.OPEN)
        .select_related("created_by", "reviewer", "approved_by")
        .first()
    )


def review_history(*, organization, version):
    return VersionReview.objects.filter(organization=organization, version=version).select_related("actor")


def quiz_attempts(*, organization, version, user):
    return QuizAttempt.objects.filter(organization=organization, version=version, user=user).order_by("-created_at")


def hr_reviewers(*, organization, exclude_user=None):
    roles = list(action_map()["policies.review"])
    qs = (
        Membership.objects.filter(organization=organization, is_active=True, roles__overlap=roles)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    if exclude_user is not None:
        qs = qs.exclude(user=exclude_user)
    return qs


def reviewer_users(*, organization, exclude_user=None):
    """The users who may review a draft (hr_reviewers), by name: the reviewer choices."""
    reviewers = hr_reviewers(organization=organization, exclude_user=exclude_user)
    return get_user_model().objects.filter(pk__in=reviewers.values("user_id")).order_by("full_name")


def audience_teams(*, organization, policy) -> list[Team]:
    """The teams a policy is addressed to, by name."""
    team_ids = audience_team_ids(organization=organization, policy=policy)
    return list(teams_for_filter(organization=organization).filter(pk__in=team_ids))


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
    Paginator does). Without a search each page is kept with the report (same generation, and no longer
    than the report's counts, see report_summary): it is read again only after something it shows changed
    (an acknowledgement, a member, a team, a person's name or address) or an acknowledgement ran out."""

    def __init__(self, *, organization, version, summary=None, team_id=None, status: str = "", search: str = ""):
        self.organization, self.summary = organization, summary
        self.filters = {"version": version, "team_id": team_id, "status": status, "search": search}
        self.parts = None
        if summary is not None and not (search or "").strip():
            self.parts = ("people", version.pk, team_id or 0, status, int(is_overdue(version)))

    @cached_property
    def queryset(self):
        """Built only when a page is read from the database (a cached page needs none)."""
        people = report_people(organization=self.organization, **self.filters)
        return people.values_list("user__full_name", "user__email", "team__name", "ack_at")

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window):
        if not isinstance(window, slice) or window.step is not None:
            raise TypeError("ReportPeoplePage takes a slice")
        start, stop = window.start or 0, window.stop

        def compute():
            return {"rows": list(self.queryset[start:stop]), "expires_at": self.summary["expires_at"]}

        if self.parts is None:
            return list(self.queryset[start:stop])
        return report_cache.get_or_compute(
            (self.organization.pk,), *self.parts, start, stop, compute=compute, still_valid=_unexpired
        )["rows"]


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


# --- questions -----------------------------------------------------------------------------------------------


def faq_for_policy(*, organization, policy):
    return PolicyQuestion.objects.filter(
        organization=organization, policy=policy, faq_published=True, answered_at__isnull=False
    ).order_by("-answered_at")


def question_inbox(*, organization, status: str = "open", policy_id=None):
    qs = PolicyQuestion.objects.filter(organization=organization).select_related(
        "policy", "version", "asked_by", "answered_by"
    )
    if status == "open":
        qs = qs.filter(answered_at__isnull=True)
    elif status == "answered":
        qs = qs.filter(answered_at__isnull=False)
    if policy_id:
        qs = qs.filter(policy_id=policy_id)
    return qs.order_by("-created_at", "-id")


def questions_of(*, organization, user):
    return (
        PolicyQuestion.objects.filter(organization=organization, asked_by=user, is_anonymous=False)
        .select_related("policy", "version", "answered_by")
        .order_by("-created_at")
    )


def unseen_answers_count(*, organization, user) -> int:
    return PolicyQuestion.objects.filter(
        organization=organization, asked_by=user, answered_at__isnull=False, answer_seen_at__isnull=True
    ).count()


def question_by_code(*, organization, code: str) -> PolicyQuestion | None:
    code = (code or "").strip()
    if not code:
        return None
    return (
        PolicyQuestion.objects.filter(organization=organization, followup_code_hash=hash_code(code))
        .select_related("policy")
        .first()
    )


def policies_due_for_review(*, organization, today=None):
    today = today or timezone.localdate()
    return Policy.objects.filter(
        organization=organization, status=Policy.Status.ACTIVE, review_due_on__isnull=False, review_due_on__lte=today
    ).select_related("owner")


def prefetch_versions(qs):
    return qs.prefetch_related(Prefetch("versions", queryset=PolicyVersion.objects.order_by("-number")))
