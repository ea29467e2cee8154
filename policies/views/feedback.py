"""Feedback rounds before a policy review: HR opens one from the management page; the policy's audience answers
on the page they read."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..forms import FeedbackAnswerForm, FeedbackRoundForm
from .authoring import manage_page
from .common import add_errors, get_policy, page_url
from .reading import reading_context


def _add_missing(form, errors: dict[str, list[str]]) -> None:
    """The service's rules for what the form could parse, so every problem shows at once."""
    for field, messages_ in errors.items():
        if field not in form.errors:
            form.add_error(field, messages_)


@require_POST
@org_view("policies.review")
def feedback_round_open(request, policy_id):
    organization = request.organization
    policy = selectors.get_policy_for_org(organization, policy_id)
    form = FeedbackRoundForm(request.POST)
    if not form.is_valid():
        _add_missing(form, services.round_errors(prompt=request.POST.get("prompt", ""), closes_on=None))
        return manage_page(request, policy, round_form=form)
    data = form.cleaned_data
    try:
        feedback_round = services.feedback_round_open(
            organization=organization,
            actor=request.user,
            policy=policy,
            prompt=data["prompt"],
            closes_on=data["closes_on"],
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return manage_page(request, policy, round_form=form)
    when = date_format(feedback_round.closes_on, "j F Y")
    messages.success(request, f"Feedback round opened until {when}. The policy's audience has been told by email.")
    return redirect(page_url(request, "manage", policy_id=policy.pk) + "#review")


@require_POST
@org_view("policies.view")
def feedback_answer(request, policy_id, round_id):
    organization = request.organization
    policy = get_policy(request, policy_id)
    feedback_round = selectors.get_round_for_org(organization, round_id, policy=policy)
    form = FeedbackAnswerForm(request.POST)
    form.feedback_round = feedback_round
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_answer_save(
                organization=organization,
                actor=request.user,
                feedback_round=feedback_round,
                rating=data["rating"],
                comment=data["comment"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Thank you. Your answer is saved; you can change it until the round closes.")
            return redirect(page_url(request, "detail", policy_id=policy.pk) + "#feedback")
    else:
        _add_missing(form, services.answer_errors(rating=None, comment=request.POST.get("comment", "")))
    if policy.current_version_id is None:
        return redirect(page_url(request, "manage", policy_id=policy.pk))
    context = reading_context(request, policy, policy.current_version, answer_form=form)
    return render(request, "policies/detail.html", context, status=400)
