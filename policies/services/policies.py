"""Writes to policies: create, update (audience, owner, refresh and review dates), archive, restore,
and the organization's policy settings."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from advocacy.audit.services import audit_record
from advocacy.tenancy.models import Membership, Organization, Team

from .. import selectors
from ..models import Policy, PolicyKind, PolicyTeam, PolicyVersion


def _clean_policy_fields(*, organization, title, kind, summary, audience_all, team_ids, refresh_months, owner):
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Give the policy a title."
    elif len(title) > 160:
        errors["title"] = "Keep the title under 160 characters."
    if kind not in PolicyKind.values:
        errors["kind"] = "Choose a kind of policy."
    if len(summary or "") > 280:
        errors["summary"] = "Keep the summary under 280 characters."
    team_ids = sorted({int(t) for t in (team_ids or [])})
    if team_ids:
        found = set(Team.objects.filter(organization=organization, pk__in=team_ids).values_list("pk", flat=True))
        if found != set(team_ids):
            errors["teams"] = "One of the chosen teams does not exist in this organization."
    if not audience_all and not team_ids:
        errors["teams"] = "Choose at least one team, or make the policy apply to everyone."
    if refresh_months is not None and not 1 <= int(refresh_months) <= 60:
        errors["refresh_months"] = "The refresh period is between 1 and 60 months."
    if owner is not None and not Membership.objects.filter(organization=organization, user=owner).exists():
        errors["owner"] = "The owner must be a member of this organization."
    if errors:
        raise ValidationError(errors)
    return title, team_ids


@transaction.atomic
def policy_create(
    *,
    organization: Organization,
    actor,
    title: str,
    kind: str,
    summary: str = "",
    owner=None,
    audience_all: bool = True,
    team_ids=(),
    refresh_months: int | None = None,
    review_months: int | None = None,
    body_markdown: str = "",
) -> Policy:
    title, team_ids = _clean_policy_fields(
        organization=organization,
        title=title,
        kind=kind,
        summary=summary,
        audience_all=audience_all,
        team_ids=team_ids,
        refresh_months=refresh_months,
        owner=owner,
    )
    policy = Policy.objects.create(
        organization=organization,
        title=title,
        kind=kind,
        summary=(summary or "").strip(),
        owner=owner or actor,
        audience_all=audience_all,
        refresh_months=refresh_months,
        review_months=_review_months(review_months),
        created_by=actor,
    )
    _set_teams(organization, policy, [] if audience_all else team_ids)
    PolicyVersion.objects.create(
        organization=organization, policy=policy, title=title, body_markdown=body_markdown, created_by=actor
    )
    audit_record(organization=organization, actor=actor, action="policy.created", target=policy, data={"kind": kind})
    return policy


def _review_months(value) -> int | None:
    if value is not None and not 1 <= int(value) <= 60:
        raise ValidationError({"review_months": ["Review every 1 to 60 months (empty: the organization's default)."]})
    return value


def _set_teams(organization, policy, team_ids):
    PolicyTeam.objects.filter(organization=organization, policy=policy).exclude(team_id__in=team_ids).delete()
    existing = set(
        PolicyTeam.objects.filter(organization=organization, policy=policy).values_list("team_id", flat=True)
    )
    PolicyTeam.objects.bulk_create(
        [PolicyTeam(organization=organization, policy=policy, team_id=t) for t in team_ids if t not in existing]
    )


@transaction.atomic
def policy_update(
    *,
    organization,
    actor,
    policy: Policy,
    title: str,
    kind: str,
    summary: str = "",
    owner=None,
    audience_all: bool = True,
    team_ids=(),
    refresh_months: int | None = None,
    review_months: int | None = None,
    review_due_on: date | None = None,
) -> Policy:
    title, team_ids = _clean_policy_fields(
        organization=organization,
        title=title,
        kind=kind,
        summary=summary,
        audience_all=audience_all,
        team_ids=team_ids,
        refresh_months=refresh_months,
        owner=owner,
    )
    if review_due_on is not None and review_due_on != policy.review_due_on and review_due_on <= timezone.localdate():
        # a date already past stays as it is (the policy is marked overdue); a new one is in the future
        raise ValidationError({"review_due_on": ["The next review date must be in the future."]})
    before = {"audience_all": policy.audience_all, "kind": policy.kind, "review_due_on": str(policy.review_due_on)}
    if title != policy.title:
        # the draft in progress follows the rename unless it was given a title of its own (publishing it
        # hands its title to the policy, which would undo the rename)
        PolicyVersion.objects.filter(
            organization=organization, policy=policy, status__in=PolicyVersion.OPEN, title=policy.title
        ).update(title=title, updated_at=timezone.now())
    policy.title, policy.kind, policy.summary = title, kind, (summary or "").strip()
    policy.owner, policy.audience_all, policy.refresh_months = owner, audience_all, refresh_months
    policy.review_due_on = review_due_on
    policy.review_months = _review_months(review_months)
    policy.save()
    _set_teams(organization, policy, [] if audience_all else team_ids)
    audit_record(
        organization=organization,
        actor=actor,
        action="policy.updated",
        target=policy,
        data={"before": before, "audience_all": audience_all, "teams": team_ids},
    )
    return policy


@transaction.atomic
def policy_archive(*, organization, actor, policy: Policy) -> Policy:
    if policy.status == Policy.Status.ARCHIVED:
        raise ValidationError("This policy is already archived.")
    policy.status = Policy.Status.ARCHIVED
    policy.archived_at = timezone.now()
    policy.save(update_fields=["status", "archived_at", "updated_at"])
    audit_record(organization=organization, actor=actor, action="policy.archived", target=policy)
    return policy


@transaction.atomic
def policy_restore(*, organization, actor, policy: Policy) -> Policy:
    if policy.status != Policy.Status.ARCHIVED:
        raise ValidationError("Only an archived policy can be restored.")
    policy.status = Policy.Status.ACTIVE
    policy.archived_at = None
    policy.save(update_fields=["status", "archived_at", "updated_at"])
    audit_record(organization=organization, actor=actor, action="policy.restored", target=policy)
    return policy


# --- organization settings ---------------------------------------------------------------------------------


@transaction.atomic
def policy_settings_update(
    *,
    organization,
    actor,
    require_ack_to_share: bool,
    reminder_days: int,
    require_review: bool,
    review_months: int | None = None,
    onboarding_steps: list[str] | None = None,
) -> Organization:
    from ..selectors.onboarding import DEFAULT_STEPS, ONBOARDING_STEPS_SETTING
    from ..selectors.reviews import REVIEW_MONTHS_SETTING

    errors = {}
    if not 0 <= int(reminder_days) <= 90:
        errors["reminder_days"] = ["Remind every 1 to 90 days (0 turns scheduled reminders off)."]
    if review_months is not None and not 1 <= int(review_months) <= 60:
        errors["review_months"] = ["Review every 1 to 60 months."]
    if onboarding_steps is not None and not set(onboarding_steps) <= set(DEFAULT_STEPS):
        errors["onboarding_steps"] = ["Choose steps from the list."]
    if errors:
        raise ValidationError(errors)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    values = {
        selectors.SHARE_GATE_SETTING: bool(require_ack_to_share),
        selectors.REMINDER_DAYS_SETTING: int(reminder_days),
        "policy_require_review": bool(require_review),
    }
    if review_months is not None:
        values[REVIEW_MONTHS_SETTING] = int(review_months)
    if onboarding_steps is not None:
        values[ONBOARDING_STEPS_SETTING] = [key for key in DEFAULT_STEPS if key in onboarding_steps]
    before = {k: (org.settings or {}).get(k) for k in values}
    org.settings = {**(org.settings or {}), **values}
    org.save(update_fields=["settings"])
    organization.settings = org.settings
    audit_record(
        organization=organization,
        actor=actor,
        action="policy.settings_changed",
        target=org,
        data={"before": before, "after": values},
    )
    if bool(before["policy_require_review"]) != bool(require_review):
        # switching the approval of drafts on or off is a decision of its own, findable as such in the log
        audit_record(
            organization=organization,
            actor=actor,
            action="policy.review_required" if require_review else "policy.review_switched_off",
            target=org,
        )
    return org
