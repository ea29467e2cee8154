"""Every member's pages: report a post, and my record (decisions about my posts with their reasons and
consequences, my tasks, my appeal, and the outcome of my reports without the details)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..forms import AppealForm, ReportForm
from .common import add_errors, url_of


@require_http_methods(["GET", "POST"])
@org_view("monitoring.report")
def report(request):
    organization = request.organization
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.report_submit(
                    organization=organization,
                    actor=request.user,
                    url=data["url"],
                    share_id=data["share"],
                    category=data["category"],
                    description=data["description"],
                    anonymous=data["anonymous"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, _("Thank you. The moderators will review it; you will see the outcome on your record.")
                )
                return redirect(url_of(request, "review_my_record") + "#reports")
        status = 400
    else:
        form = ReportForm(initial={"url": request.GET.get("url", "")[:1000], "share": request.GET.get("share")})
        status = 200
    return render(request, "monitoring_review/report.html", {"form": form}, status=status)


def _record_page(request, *, appeal_forms=None, status=200):
    organization = request.organization
    record = selectors.member_record(organization=organization, user=request.user)
    forms = appeal_forms or {}
    rows = [(d, forms.get(d.pk) or AppealForm()) for d in record.decisions]
    response = render(
        request,
        "monitoring_review/my_record.html",
        {
            "record": record,
            "rows": rows,
            "reports": [(r, selectors.report_outcome(r)) for r in record.reports],
        },
        status=status,
    )
    if record.unseen and status == 200:
        services.decisions_mark_seen(organization=organization, actor=request.user)
    return response


@require_GET
@org_view("monitoring.record")
def my_record(request):
    return _record_page(request)


@require_POST
@org_view("monitoring.record")
def appeal(request, decision_id):
    organization = request.organization
    decision = selectors.get_decision_for_org(organization, decision_id)
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_submit(
                organization=organization, actor=request.user, decision=decision, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Your appeal was sent. Someone other than the first moderator will decide it."))
            return redirect(url_of(request, "review_my_record"))
    return _record_page(request, appeal_forms={decision.pk: form}, status=400)
