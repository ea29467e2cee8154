"""Recognition pages under /o/<slug>/recognition/: the leaderboards, a member's place on them, the admin's
switch."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from advocacy.tenancy.decorators import org_view
from advocacy.tenancy.selectors import get_team_for_org, team_list

from .. import selectors, services
from ..forms import SettingsForm
from ..models import BoardPreference


def _board_url(request, **query) -> str:
    url = reverse("recognition_board", kwargs={"org_slug": request.organization.slug})
    query = {key: value for key, value in query.items() if value}
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


def _labelled(points: dict[str, int]) -> list[tuple[str, int]]:
    return [(label, points[value]) for value, label in selectors.PERIODS.items()]


@require_http_methods(["GET"])
@org_view("recognition.view")
def board(request):
    organization = request.organization
    period = request.GET.get("period") or selectors.DEFAULT_PERIOD
    if period not in selectors.PERIODS:
        raise Http404("No such period")
    team = get_team_for_org(organization, request.GET["team"]) if request.GET.get("team") else None
    config = selectors.recognition_settings(organization)
    context = {
        "period": period,
        "periods": selectors.PERIODS.items(),
        "team": team,
        "teams": team_list(organization=organization),
        "enabled": config.leaderboards_enabled,
        "reasons": config.reasons,
        "daily_cap": config.daily_cap,
        "period_label": selectors.PERIODS[period],
        "own": _labelled(selectors.own_points(organization=organization, user=request.user)),
        "visibility": selectors.board_preference(organization=organization, user=request.user),
        "visibility_choices": BoardPreference.Visibility.choices,
        "may_manage": request.membership.may("recognition.manage"),
        "notices": selectors.unseen_badges(organization=organization, user=request.user),
    }
    if config.leaderboards_enabled:
        context["board"] = selectors.leaderboard(
            organization=organization, viewer=request.user, period=period, team_id=team.pk if team else None
        )
    return render(request, "recognition/board.html", context)


@require_POST
@org_view("recognition.view")
def visibility(request):
    try:
        services.board_preference_set(
            organization=request.organization, actor=request.user, visibility=request.POST.get("visibility", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your choice is saved."))
    return redirect(_board_url(request))


@require_POST
@org_view("recognition.manage")
def switch(request):
    enabled = request.POST.get("enabled") == "on"
    services.leaderboards_switch(organization=request.organization, actor=request.user, enabled=enabled)
    messages.success(request, _("Leaderboards are on.") if enabled else _("Leaderboards are off for everyone."))
    return redirect(_board_url(request))


@require_http_methods(["GET", "POST"])
@org_view("recognition.manage")
def recognition_settings(request):
    organization = request.organization
    config = selectors.recognition_settings(organization)
    initial = {
        "leaderboards_enabled": config.leaderboards_enabled,
        "daily_cap": config.daily_cap,
        "clicks_per_share_per_day": config.clicks_per_share_per_day,
        "excluded_roles": list(config.excluded_roles),
    }
    initial |= {f"points_{reason}": points for reason, _name, points in config.reasons}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.recognition_settings_update(
                organization=organization,
                actor=request.user,
                points=form.reason_points(),
                daily_cap=form.cleaned_data["daily_cap"],
                leaderboards_enabled=form.cleaned_data["leaderboards_enabled"],
                clicks_per_share_per_day=form.cleaned_data["clicks_per_share_per_day"],
                excluded_roles=form.cleaned_data["excluded_roles"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Recognition settings saved. New points are counted with them from now on."))
            return redirect(reverse("recognition_settings", kwargs={"org_slug": organization.slug}))
    return render(request, "recognition/settings.html", {"form": form})
