from django import template

from policies.selectors import pending_for_member_cached

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


@register.filter
def progress_class(percent) -> str:
    """A width class (w-0 ... w-100, steps of 5) for a progress bar: the CSP forbids style attributes."""
    try:
        value = max(0, min(100, int(percent)))
    except (TypeError, ValueError):
        value = 0
    return f"w-{5 * round(value / 5)}"
