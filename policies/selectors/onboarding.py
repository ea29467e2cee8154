"""The onboarding checklist a new member sees on their home page until it is done: acknowledge the policies,
complete the starter course, connect an account, share a first item. Each step completes itself from what the
member did; HR chooses the steps (the organization's policies settings)."""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..caching import onboarding_cache
from ..models import Course, CourseCompletion

ONBOARDING_STEPS_SETTING = "onboarding_steps"
# A member sees the checklist for this many days after joining (or until every step is done).
ONBOARDING_DAYS = 60
STEPS = {
    "policies": _("Read and acknowledge the policies that apply to you"),
    "course": _("Complete the starter course"),
    "account": _("Connect a social media account"),
    "share": _("Share your first item from the content library"),
}
DEFAULT_STEPS = tuple(STEPS)


def onboarding_steps(organization) -> list[str]:
    chosen = (organization.settings or {}).get(ONBOARDING_STEPS_SETTING)
    if chosen is None:
        return list(DEFAULT_STEPS)
    return [key for key in DEFAULT_STEPS if key in chosen]


def in_onboarding(membership, now=None) -> bool:
    joined = getattr(membership, "joined_at", None)
    return joined is not None and joined >= (now or timezone.now()) - timedelta(days=ONBOARDING_DAYS)


def _starter_courses(organization):
    return list(
        Course.objects.filter(
            organization=organization,
            status=Course.Status.ACTIVE,
            assign_new_members=True,
            current_version__isnull=False,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)
    )


def _model(label):
    """Another app's model, read only to tick a step (None when that app is not installed)."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _done(organization, user, key: str, starters: list[int]) -> bool:
    now = timezone.now()
    if key == "policies":
        from . import pending_for_member

        return not pending_for_member(organization=organization, user=user)
    if key == "course":
        done = CourseCompletion.objects.filter(organization=organization, user=user, course_id__in=starters).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=now)
        )
        return len(set(done.values_list("course_id", flat=True))) >= len(starters)
    if key == "account":
        model = _model("monitoring.ConnectedAccount")
        return model is not None and model.objects.filter(organization=organization, user=user).exists()
    if key == "share":
        model = _model("content_library.Share")
        return (
            model is not None
            and model.objects.filter(organization=organization, user=user, status="confirmed").exists()
        )
    return True


def _compute(organization, user) -> list[dict]:
    starters = _starter_courses(organization)
    steps = []
    for key in onboarding_steps(organization):
        if key == "course" and not starters:
            continue
        steps.append(
            {
                "key": key,
                "done": _done(organization, user, key, starters),
                "course_id": starters[0] if key == "course" else None,
            }
        )
    return steps


def onboarding_checklist(*, organization, membership) -> list[dict]:
    """The member's steps as {"key", "label", "done", "url"}, or [] when they are past onboarding or done."""
    if not in_onboarding(membership):
        return []
    user_id = membership.user_id
    steps = onboarding_cache.get_or_compute(
        (organization.pk,), user_id, compute=lambda: _compute(organization, membership.user)
    )
    if not steps or all(step["done"] for step in steps):
        return []
    slug = organization.slug
    urls = {
        "policies": reverse("policies_list", kwargs={"org_slug": slug}),
        "account": _reverse("monitoring_accounts", slug),
        "share": _reverse("content_feed", slug),
    }
    out = []
    for step in steps:
        url = urls.get(step["key"], "")
        if step["key"] == "course":
            url = reverse("policies_course", kwargs={"org_slug": slug, "course_id": step["course_id"]})
        out.append({"key": step["key"], "label": STEPS[step["key"]], "done": step["done"], "url": url})
    return out


def _reverse(name, slug) -> str:
    from django.urls import NoReverseMatch

    try:
        return reverse(name, kwargs={"org_slug": slug})
    except NoReverseMatch:
        return ""
