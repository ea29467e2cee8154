"""Rewards: what points can buy, a member's requests and what they have left to spend; for an admin, the
rewards' definitions and the requests waiting for a decision."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from .common import errors_of, url_of


def _int(value):
    value = (value or "").strip()
    return int(value) if value.lstrip("-").isdigit() and len(value) < 10 else value


def _page(request, *, errors=None, values=None, status=200):
    organization = request.organization
    may_manage = request.membership.may("recognition.manage")
    context = {
        "rewards": selectors.reward_list(organization=organization, include_inactive=may_manage),
        "left": services.points_left(organization=organization, user=request.user),
        "mine": selectors.redemptions_of(organization=organization, user=request.user),
        "may_manage": may_manage,
        "pending": selectors.redemptions_pending(organization=organization) if may_manage else [],
        "errors": errors or {},
        "values": values or {},
    }
    return render(request, "recognition/rewards.html", context, status=status)


@require_http_methods(["GET"])
@org_view("recognition.view")
def rewards(request):
    return _page(request)


@require_POST
@org_view("recognition.participate")
def reward_request(request, reward_id):
    reward = selectors.get_reward_for_org(request.organization, reward_id)
    try:
        services.redemption_request(organization=request.organization, actor=request.user, reward=reward)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Requested. An admin will confirm it; your points are set aside until then."))
    return redirect(url_of(request, "recognition_rewards"))


@require_POST
@org_view("recognition.manage")
def reward_create(request):
    try:
        services.reward_save(
            organization=request.organization,
            actor=request.user,
            name=request.POST.get("name", ""),
            description=request.POST.get("description", ""),
            cost=_int(request.POST.get("cost")),
            stock=_int(request.POST.get("stock")),
        )
    except ValidationError as exc:
        return _page(request, errors=errors_of(exc), values=request.POST, status=400)
    messages.success(request, _("Reward added."))
    return redirect(url_of(request, "recognition_rewards"))


@require_POST
@org_view("recognition.manage")
def reward_update(request, reward_id):
    reward = selectors.get_reward_for_org(request.organization, reward_id)
    try:
        services.reward_save(
            organization=request.organization,
            actor=request.user,
            reward=reward,
            name=reward.name,
            description=reward.description,
            cost=_int(request.POST.get("cost")),
            stock=_int(request.POST.get("stock")),
            is_active=request.POST.get("is_active") == "on",
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Reward saved."))
    return redirect(url_of(request, "recognition_rewards"))


@require_POST
@org_view("recognition.manage")
def redemption_decide(request, redemption_id):
    redemption = selectors.get_redemption_for_org(request.organization, redemption_id)
    approve = request.POST.get("decision") == "approve"
    decide = services.redemption_approve if approve else services.redemption_decline
    try:
        decide(
            organization=request.organization,
            actor=request.user,
            redemption=redemption,
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Approved: the points are spent.") if approve else _("Declined."))
    return redirect(url_of(request, "recognition_rewards"))
