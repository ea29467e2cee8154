"""Appeals waiting for a decision (a moderator other than the first one, or HR), rule precision, and the
queue's settings (admins)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..forms import AppealDecideForm, SettingsForm
from ..models import Appeal
from ..services.settings import HOURS
from .common import add_errors, url_of


def _appeals_page(request, *, forms=None, status=200):
    organization = request.organization
    state = request.GET.get("state", Appeal.State.PENDING)
    appeals = list(selectors.appeal_list(organization=organization, state=state)[:100])
    forms = forms or {}
    return render(
        request,
        "monitoring_review/appeals.html",
        {
            "rows": [(a, forms.get(a.pk) or AppealDecideForm()) for a in appeals],
            "state": state if state in Appeal.State.values else "all",
            "states": Appeal.State.choices,
        },
        status=status,
    )


@require_GET
@org_view("monitoring.appeals")
def appeals(request):
    return _appeals_page(request)


@require_POST
@org_view("monitoring.appeals")
def appeal_decide(request, appeal_id):
    organization = request.organization
    appeal = selectors.get_appeal_for_org(organization, appeal_id)
    form = AppealDecideForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_decide(
                organization=organization,
                actor=request.user,
                appeal=appeal,
                overturn=form.cleaned_data["decision"] == "overturn",
                response=form.cleaned_data["response"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Appeal decided. The member was told."))
            return redirect(url_of(request, "review_appeals"))
    return _appeals_page(request, forms={appeal.pk: form}, status=400)


@require_GET
@org_view("monitoring.queue")
def precision(request):
    organization = request.organization
    return render(
        request,
        "monitoring_review/precision.html",
        {
            "rows": selectors.rule_precision(organization=organization),
            "threshold": services.settings_for(organization).precision_threshold,
            "days": selectors.PRECISION_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
@org_view("monitoring.queue_settings")
def queue_settings(request):
    organization = request.organization
    current = services.settings_for(organization)
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.review_settings_update(organization=organization, actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Queue settings saved."))
                return redirect(url_of(request, "review_settings"))
        status = 400
    else:
        names = (*HOURS, "claim_minutes", "precision_threshold", "legal_contact_name", "legal_contact_email")
        form = SettingsForm(initial={name: getattr(current, name) for name in names})
        status = 200
    return render(request, "monitoring_review/settings.html", {"form": form}, status=status)
