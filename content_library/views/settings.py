"""The organization's sharing settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..forms import SettingsForm
from .common import errors_to_form, org_url


@org_view("content.settings")
def content_settings(request):
    org = request.organization
    cfg = selectors.settings_for(org)
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.content_settings_update(
                    organization=org,
                    actor=request.user,
                    daily_share_cap=d["daily_share_cap"],
                    sharing_start=d["sharing_start"],
                    sharing_end=d["sharing_end"],
                    timezone_name=d["timezone"],
                    networks_enabled=d["networks_enabled"],
                    moderators_may_approve=d["moderators_may_approve"],
                )
                messages.success(request, "Sharing settings saved.")
                return redirect(org_url(request, "content_settings"))
            except ValidationError as exc:
                errors_to_form(form, exc)
    else:
        form = SettingsForm(
            initial={
                "daily_share_cap": cfg.daily_share_cap,
                "sharing_start": cfg.sharing_start,
                "sharing_end": cfg.sharing_end,
                "timezone": cfg.timezone,
                "networks_enabled": cfg.enabled_networks(),
                "moderators_may_approve": cfg.moderators_may_approve,
            }
        )
    return render(request, "content_library/settings.html", {"form": form}, status=400 if form.errors else 200)
