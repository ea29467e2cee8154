"""The organization's monitoring settings (admins)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from advocacy.tenancy.decorators import org_view
from monitoring import selectors
from monitoring.forms import SettingsForm
from monitoring.services.settings import monitoring_settings_update


@require_http_methods(["GET", "POST"])
@org_view("monitoring.settings")
def monitoring_settings(request):
    organization = request.organization
    current = selectors.monitoring_settings(organization)
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_for(current))
    if request.method == "POST" and form.is_valid():
        try:
            monitoring_settings_update(organization=organization, actor=request.user, data=form.settings_data())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Monitoring settings saved."))
            return redirect(reverse("monitoring_settings", kwargs={"org_slug": organization.slug}))
    return render(
        request,
        "monitoring/settings.html",
        {
            "form": form,
            "linkedin_on": bool(current.linkedin_credentials_encrypted),
            "x_on": bool(current.x_credentials_encrypted),
        },
    )
