from django import template

from policies.selectors import (
    acknowledgement_state,
    is_review_overdue,
    onboarding,
    open_rounds_for_member_cached,
    pending_for_member_cached,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_policies(context):
    """The signed-in member's policies awaiting acknowledgement (one query), for the onboarding banner."""
    request = context.get("request")
    organization = getattr(request, "organization", None)
    membership = getattr(request, "membership", None)
    if organization is None or membership is None or not membership.may("policies.view"):
        return []
    return pending_for_member_cached(organization=organization, user=request.user)


@register.simple_tag(takes_context=True)
def feedback_rounds_to_answer(context):
    """The open feedback rounds the signed-in member has not answered yet, for the same banner."""
    request = context.get("request")
    organization = getattr(request, "organization", None)
    membership = getattr(request, "membership", None)
    if organization is None or membership is None or not membership.may("policies.view"):
        return []
    rounds = open_rounds_for_member_cached(organization=organization, user=request.user)
    return [r for r in rounds if not r["answered"]]


@register.simple_tag(takes_context=True)
def onboarding_checklist(context):
    """A new member's onboarding steps (cached; nothing to read for members past onboarding)."""
    request = context.get("request")
    organization = getattr(request, "organization", None)
    membership = getattr(request, "membership", None)
    if organization is None or membership is None or not membership.may("policies.view"):
        return []
    return onboarding.onboarding_checklist(organization=organization, membership=membership)


@register.inclusion_tag("policies/_ack_status.html")
def ack_status(policy):
    """The badge saying where the member stands with a policy of theirs (Acknowledged / Overdue / Action
    required), by `acknowledgement_state`, the one rule, on every page that lists their policies. `policy`
    comes from `policy_list_for_member` (annotated with `acked` and `my_ack_at`)."""
    version = policy.current_version
    acknowledged = bool(getattr(policy, "acked", False))
    return {
        "state": acknowledgement_state(version=version, acknowledged=acknowledged),
        "due_on": version.due_on,
        "acked_at": getattr(policy, "my_ack_at", None),
    }


@register.filter
def review_overdue(policy) -> bool:
    return is_review_overdue(policy)


@register.filter
def progress_class(percent) -> str:
    """A width class (w-0 ... w-100, steps of 5) for a progress bar: the CSP forbids style attributes."""
    try:
        value = max(0, min(100, int(percent)))
    except (TypeError, ValueError):
        value = 0
    return f"w-{5 * round(value / 5)}"
