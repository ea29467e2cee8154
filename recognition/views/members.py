"""A member's recognition profile (points, rank, badges, kudos received); dismissing badge notices; the
admin's badges (their own, and giving one by hand)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from .common import errors_of, page_number, url_of


@require_http_methods(["GET"])
@org_view("recognition.view")
def member(request, member_user_id):
    organization = request.organization
    membership = selectors.get_member_for_org(organization, member_user_id)
    may_manage = request.membership.may("recognition.manage")
    profile = selectors.member_profile(
        organization=organization, membership=membership, viewer=request.user, may_manage=may_manage
    )
    profile["kudos"] = selectors.kudos_wall(
        organization=organization, receiver=membership.user, page=page_number(request)
    )
    return render(request, "recognition/member.html", profile | {"periods": selectors.PERIODS})


@require_POST
@org_view("recognition.view")
def notices_seen(request):
    services.badge_notices_seen(organization=request.organization, actor=request.user)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = url_of(request, "recognition_board")
    return redirect(target)


def _badges(request, *, errors=None, values=None, status=200):
    organization = request.organization
    services.badges_ensure_built_in(organization=organization)
    context = {
        "badges": selectors.badge_list(organization=organization),
        "rules": services.RULES_FOR_ADMINS,
        "members": selectors.member_choices(organization=organization),
        "errors": errors or {},
        "values": values or {},
    }
    return render(request, "recognition/badges.html", context, status=status)


@require_http_methods(["GET"])
@org_view("recognition.manage")
def badges(request):
    return _badges(request)


@require_POST
@org_view("recognition.manage")
def badge_create(request):
    threshold = request.POST.get("threshold", "").strip()
    try:
        services.badge_create(
            organization=request.organization,
            actor=request.user,
            name=request.POST.get("name", ""),
            description=request.POST.get("description", ""),
            rule=request.POST.get("rule", ""),
            threshold=int(threshold) if threshold.isdigit() and len(threshold) < 9 else None,
            picture=request.FILES.get("picture"),
        )
    except ValidationError as exc:
        return _badges(request, errors=errors_of(exc), values=request.POST, status=400)
    messages.success(request, _("Badge added."))
    return redirect(url_of(request, "recognition_badges"))


@require_POST
@org_view("recognition.manage")
def badge_award(request):
    organization = request.organization
    badge = selectors.get_badge_for_org(organization, request.POST.get("badge", ""))
    try:
        membership = selectors.get_member_for_org(organization, request.POST.get("user", ""))
    except Http404:  # a missing or foreign member is a field error here, not a 404
        membership = None
    try:
        if membership is None:
            raise ValidationError({"user": _("Choose a member of this organization.")})
        services.badge_award_by_hand(
            organization=organization,
            actor=request.user,
            badge=badge,
            user=membership.user,
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        return _badges(request, errors=errors_of(exc), values=request.POST, status=400)
    messages.success(request, _("Badge given to %(name)s.") % {"name": membership.user.display_name})
    return redirect(url_of(request, "recognition_badges"))
