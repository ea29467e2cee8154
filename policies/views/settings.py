"""The organization's policy settings (HR, admins)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..forms import SettingsForm
from ..selectors.onboarding import onboarding_steps
from .common import add_errors, page_url

# --- settings --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view("policies.settings")
def policy_settings(request):
    organization = request.organization
    initial = {
        "require_ack_to_share": selectors.share_gate_enabled(organization),
        "require_review": services.require_review(organization),
        "reminder_days": selectors.reminder_days(organization),
        "review_months": selectors.reviews.organization_review_months(organization),
        "onboarding_steps": onboarding_steps(organization),
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_settings_update(organization=organization, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Policy settings saved.")
            return redirect(page_url(request, "settings"))
    return render(request, "policies/settings.html", {"form": form})
