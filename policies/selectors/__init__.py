"""Reads of policies, versions, acknowledgements and questions. `organization` always comes first.

`member_may_share` is the gate other apps (the content library) call before a member shares.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from advocacy.permissions import action_map
from advocacy.tenancy.models import Membership, Team

from ..caching import pending_cache
from ..markup import hash_code
from ..models import (
    Acknowledgement,
    Policy,
    PolicyKind,
    PolicyQuestion,
    PolicyTeam,
    PolicyVersion,
    QuizAttempt,
    VersionReview,
)
from .common import _in_audience, _int, _valid_ack
from .feedback import (  # noqa: F401 - the feedback rounds' selectors, from `policies.selectors`
    MIN_ANSWERS,
    FeedbackSummary,
    default_round_close,
    feedback_summary,
    get_round_for_org,
    my_answer,
    open_round,
    open_rounds_for_member,
    open_rounds_for_member_cached,
    questions_since_last_review,
    rounds_since_last_review,
)
from .reports import (  # noqa: F401 - the report's selectors, from `policies.selectors` as before
    ReportPeoplePage,
    _report_version,
    acknowledgement_state,
    is_overdue,
    is_review_overdue,
    report_counts,
    report_match_count,
    report_people,
    report_summary,
    teams_for_filter,
)
from .reviews import (  # noqa: F401 - the periodic review's selectors, from `policies.selectors`
    default_next_review,
    last_review,
    last_review_date,
    latest_review_horizon,
    policy_reviews,
    review_interval_months,
)
from .training import (  # noqa: F401 - training's selectors, from `policies.selectors`
    available_courses,
    checkin_list,
    completion_of,
    completions_of,
    course_list_for_staff,
    course_report_people,
    course_report_summary,
    get_checkin_for_org,
    get_course_for_org,
    get_workshop_for_org,
    my_assignments,
    my_workshops,
    open_assignment,
    open_courses_for_member,
    progress_of,
    registration_of,
    upcoming_workshops,
    workshop_registrations,
)

SHARE_GATE_SETTING = "require_policy_ack_to_share"
SHARE_COURSE_SETTING = "course_required_to_share"  # a course id: members complete it before sharing
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


def member_may_share(*, organization, user) -> ShareGate:
    """May `user` share content in `organization`? Only when the organization requires it: every active
    social-media policy whose audience includes the member must be acknowledged in its current cycle, and the
    course HR requires before sharing (if any) completed. Zero queries when both gates are off, one for each
    that is on."""
    if share_gate_enabled(organization):
        gate = _policy_gate(organization, user)
        if not gate.allowed:
            return gate
    course_id = (organization.settings or {}).get(SHARE_COURSE_SETTING)
    if course_id:
        return _course_gate(organization, user, course_id)
    return ShareGate(True)


def _course_gate(organization, user, course_id) -> ShareGate:
    from ..models import Course, CourseCompletion

    now = timezone.now()
    done = CourseCompletion.objects.filter(organization=organization, user=user, course_id=OuterRef("pk")).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )
    course = (
        Course.objects.filter(
            organization=organization, pk=course_id, status=Course.Status.ACTIVE, current_version__isnull=False
        )
        .annotate(done=Exists(done))
        .values("pk", "title", "done")
        .first()
    )
    if course is None or course["done"]:
        return ShareGate(True)
    return ShareGate(
        False,
        reason=f"Please complete the course “{course['title']}” before sharing content.",
        url=reverse("policies_course", kwargs={"org_slug": organization.slug, "course_id": course["pk"]}),
    )


def _policy_gate(organization, user) -> ShareGate:
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
