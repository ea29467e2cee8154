"""The recognition wall: kudos, newest first; giving kudos; reporting one; an admin keeping or hiding a
reported one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from .common import errors_of, page_number, url_of


def _wall(request, *, errors=None, values=None, status=200):
    organization = request.organization
    may_manage = request.membership.may("recognition.manage")
    context = {
        "page": selectors.kudos_wall(organization=organization, page=page_number(request)),
        "members": selectors.member_choices(organization=organization, exclude_user=request.user),
        "left_today": services.kudos_left_today(organization=organization, actor=request.user),
        "per_day": services.KUDOS_PER_DAY,
        "errors": errors or {},
        "values": values or {},
        "may_manage": may_manage,
        "reports": selectors.kudos_reports_open(organization=organization) if may_manage else [],
    }
    return render(request, "recognition/wall.html", context, status=status)


@require_http_methods(["GET"])
@org_view("recognition.view")
def wall(request):
    return _wall(request, values={"receiver": request.GET.get("to", ""), "share": request.GET.get("share", "")})


@require_POST
@org_view("recognition.participate")
def kudos_give(request):
    try:
        services.kudos_give(
            organization=request.organization,
            actor=request.user,
            receiver_id=request.POST.get("receiver"),
            message=request.POST.get("message", ""),
            share_id=request.POST.get("share") or None,
        )
    except ValidationError as exc:
        return _wall(request, errors=errors_of(exc), values=request.POST, status=400)
    messages.success(request, _("Your kudos is on the wall."))
    return redirect(url_of(request, "recognition_wall"))


@require_POST
@org_view("recognition.participate")
def kudos_report(request, kudos_id):
    kudos = selectors.get_kudos_for_org(request.organization, kudos_id)
    try:
        services.kudos_report(
            organization=request.organization, actor=request.user, kudos=kudos, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you. An admin will look at it."))
    return redirect(url_of(request, "recognition_wall"))


@require_POST
@org_view("recognition.manage")
def kudos_resolve(request, kudos_id):
    kudos = selectors.get_kudos_for_org(request.organization, kudos_id)
    hide = request.POST.get("decision") == "hide"
    services.kudos_resolve(
        organization=request.organization, actor=request.user, kudos=kudos, hide=hide, note=request.POST.get("note", "")
    )
    messages.success(request, _("The kudos is hidden and its points taken back.") if hide else _("The kudos stays."))
    return redirect(url_of(request, "recognition_wall"))
