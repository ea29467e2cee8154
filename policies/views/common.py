"""What every policies page uses: its URLs, form errors, permissions, the policy and version it shows."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from .. import selectors
from ..models import Policy, PolicyVersion


def page_url(request, name, **kwargs):
    return reverse(f"policies_{name}", kwargs={"org_slug": request.organization.slug, **kwargs})


def add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def may(request, action):
    return request.membership.may(action)


def get_policy(request, policy_id) -> Policy:
    """A policy the caller may see: staff see every policy; others only published ones."""
    policy = selectors.get_policy_for_org(request.organization, policy_id)
    if policy.current_version_id is None and not may(request, "policies.author"):
        raise Http404("No such policy")
    return policy


def get_version(request, policy, version_id) -> PolicyVersion:
    version = selectors.get_version_for_org(request.organization, version_id, policy=policy)
    if not version.is_frozen and not may(request, "policies.author"):
        raise Http404("No such version")  # employees never see drafts
    return version
