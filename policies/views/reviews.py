"""The periodic review of a policy (HR, and admins when they may review): record it from the policy's
management page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..forms import PolicyReviewForm
from ..models import PolicyReview
from .authoring import manage_page
from .common import add_errors, page_url


@require_POST
@org_view("policies.review")
def policy_mark_reviewed(request, policy_id):
    organization = request.organization
    policy = selectors.get_policy_for_org(organization, policy_id)
    form = PolicyReviewForm(request.POST)
    if not form.is_valid():
        # what could be parsed is still checked, so every problem shows at once
        errors = services.review_errors(
            notes=request.POST.get("notes", ""), next_review_on=form.cleaned_data.get("next_review_on")
        )
        for field, messages_ in errors.items():
            if field not in form.errors:
                form.add_error(field, messages_)
        return manage_page(request, policy, review_form=form)
    data = form.cleaned_data
    try:
        review = services.policy_review_record(
            organization=organization,
            actor=request.user,
            policy=policy,
            notes=data["notes"],
            next_review_on=data["next_review_on"],
            start_new_version=data["outcome"] == PolicyReview.Outcome.NEW_VERSION,
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return manage_page(request, policy, review_form=form)
    when = date_format(review.next_review_on, "j F Y")
    if review.new_version_id:
        messages.success(request, f"Review recorded. Update the draft, then publish it. Next review on {when}.")
        return redirect(page_url(request, "draft", policy_id=policy.pk))
    messages.success(request, f"Review recorded. The next review is on {when}.")
    return redirect(page_url(request, "manage", policy_id=policy.pk))
