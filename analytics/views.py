"""Analytics pages under /o/<slug>/analytics/: the dashboard (admins), compliance (HR and admins), My impact
(everyone), the settings (admins), the exports. Views parse the filters, call selectors and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advocacy.tenancy.decorators import org_view

from . import exports, selectors, services
from .charts import bar_chart, trend_charts
from .forms import FilterForm, SettingsForm
from .models import SummarySubscription


def _filters(request, *, with_dimensions: bool = True):
    """(form, filters or None): the period and filters of the query string, checked against the organization;
    invalid filters give the form's messages and no figures. No query string: the last 30 days."""
    organization = request.organization
    today = selectors.local_today(selectors.organization_zone(organization))
    params = request.GET.copy()
    params.pop("table", None)
    if not with_dimensions:
        for name in ("team", "campaign", "network"):
            params.pop(name, None)
    form = FilterForm(params or None, organization=organization, today=today)
    if not form.is_bound:
        return form, selectors.default_filters(today)
    return form, (form.filters() if form.is_valid() else None)


def _query(request) -> str:
    params = request.GET.copy()
    params.pop("table", None)
    return params.urlencode()


def _compliance(request, team_id=None, *, people: bool = True) -> dict:
    organization = request.organization
    return {
        "acknowledgements": selectors.acknowledgements(organization=organization, team_id=team_id, people=people),
        "training": selectors.training(organization=organization, team_id=team_id, people=people),
    }


def _data(
    request, filters, *, compliance: bool = False, dashboard: bool = True, moderation: bool = False, people=True
) -> dict:
    organization = request.organization
    data = {"dashboard": selectors.dashboard(organization=organization, filters=filters)} if dashboard else {}
    if compliance:
        data.update(_compliance(request, filters.team_id, people=people))
    if moderation:
        data["moderation"] = selectors.moderation(organization=organization, filters=filters)
    return data


@require_GET
@org_view("analytics.view")
def dashboard(request):
    form, filters = _filters(request)
    may_compliance = request.membership.may("analytics.compliance")
    context = {"form": form, "filters": filters, "query": _query(request), "may_compliance": may_compliance}
    if filters is not None:
        data = _data(request, filters, compliance=may_compliance, people=False)  # the percentages only
        board = data["dashboard"]
        context.update(
            data=board,
            headlines=selectors.headlines(board),
            charts=trend_charts(board["series"], by_week=filters.by_week),
            compliance=data if may_compliance else None,
            subscribed=SummarySubscription.objects.filter(
                organization=request.organization, user=request.user
            ).exists(),
        )
    return render(request, "analytics/dashboard.html", context)


@require_GET
@org_view("analytics.compliance")
def compliance(request):
    form, filters = _filters(request)
    context = {"form": form, "filters": filters, "query": _query(request)}
    if filters is not None:
        context.update(_compliance(request, filters.team_id))
    return render(request, "analytics/compliance.html", context)


@require_GET
@org_view("analytics.moderation")
def moderation(request):
    form, filters = _filters(request, with_dimensions=False)
    context = {"form": form, "filters": filters, "query": _query(request)}
    if filters is not None:
        data = selectors.moderation(organization=request.organization, filters=filters)
        context.update(
            moderation=data,
            changes={
                key: selectors.change(data["current"][key], data["previous"][key])
                for key in ("raised", "decided", "in_time_percent", "hours_to_decision")
            },
            charts=[
                bar_chart(data["series"], "raised", _("Flags raised"), by_week=filters.by_week),
                bar_chart(data["series"], "decided", _("Flags decided"), by_week=filters.by_week),
            ],
        )
    return render(request, "analytics/moderation.html", context)


@require_GET
@org_view("analytics.impact")
def impact(request):
    form, filters = _filters(request, with_dimensions=False)
    context = {"form": form, "filters": filters}
    if filters is not None:
        mine = selectors.impact(organization=request.organization, user=request.user, filters=filters)
        context.update(
            mine=mine,
            changes={
                key: selectors.change(mine["current"][key], mine["previous"][key])
                for key in ("shares", "clicks", "ctr", "engagement", "reach")
            },
            charts=[
                bar_chart(mine["series"], key, label, by_week=filters.by_week)
                for key, label in (
                    ("shares", _("Shares")),
                    ("clicks", _("Human clicks")),
                    ("engagement", _("Engagement")),
                    ("points", _("Points")),
                )
            ],
            standing=selectors.standing(organization=request.organization, user=request.user),
        )
    return render(request, "analytics/impact.html", context)


@require_http_methods(["GET", "POST"])
@org_view("analytics.settings")
def analytics_settings(request):
    organization = request.organization
    current = selectors.analytics_settings(organization)
    initial = {"cpm": current.cpm, "cpc": current.cpc, "currency": current.currency}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.analytics_settings_update(
                organization=organization,
                actor=request.user,
                cpm=form.cleaned_data["cpm"],
                cpc=form.cleaned_data["cpc"],
                currency=form.cleaned_data["currency"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field, error)
        else:
            messages.success(request, _("Analytics settings saved."))
            return redirect("analytics_settings", org_slug=organization.slug)
    return render(request, "analytics/settings.html", {"form": form})


@require_POST
@org_view("analytics.view")
def summary_subscription(request):
    organization = request.organization
    if request.POST.get("subscribe") == "1":
        services.summary_subscribe(organization=organization, actor=request.user)
        messages.success(request, _("You will receive the weekly summary every Monday."))
    else:
        services.summary_unsubscribe(organization=organization, actor=request.user)
        messages.success(request, _("You will no longer receive the weekly summary."))
    return redirect(reverse("analytics_dashboard", kwargs={"org_slug": organization.slug}))


def _allowed_tables(request) -> list:
    return [table for table in exports.TABLES.values() if request.membership.may(table.action)]


def _export_filters(request):
    form, filters = _filters(request)
    if filters is None:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        raise ValidationError(errors)
    return filters


def _bad_filters(exc: ValidationError) -> HttpResponse:
    text = _("The filters are not valid: %(errors)s") % {"errors": " ".join(exc.messages)}
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
@org_view("analytics.export")
def export_table(request):
    """One table as CSV, for the filters in the query string (?table=...). Audited."""
    table = exports.TABLES.get(request.GET.get("table", ""))
    if table is None:
        return HttpResponse(_("Unknown table."), status=404, content_type="text/plain; charset=utf-8")
    if not request.membership.may(table.action):
        raise PermissionDenied(_("Your role does not allow this export."))
    try:
        filters = _export_filters(request)
    except ValidationError as exc:
        return _bad_filters(exc)
    data = _data(
        request,
        filters,
        compliance=table.action == exports.COMPLIANCE,
        dashboard=table.action == exports.VIEW,
        moderation=table.action == exports.MODERATION,
    )
    services.export_record(
        organization=request.organization,
        actor=request.user,
        what=table.name,
        filters=dict(zip(("start", "end", "team", "campaign", "network"), filters.key(), strict=True)),
    )
    response = StreamingHttpResponse(exports.stream(table, data), content_type="text/csv; charset=utf-8")
    name = f"{request.organization.slug}-{table.name}-{filters.start}-{filters.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@require_GET
@org_view("analytics.export")
def export_bundle(request):
    """Every table the member may see, one CSV each, in a zip. Audited."""
    try:
        filters = _export_filters(request)
    except ValidationError as exc:
        return _bad_filters(exc)
    tables = _allowed_tables(request)
    compliance_tables = any(table.action == exports.COMPLIANCE for table in tables)
    view_tables = any(table.action == exports.VIEW for table in tables)
    data = (
        _data(request, filters, compliance=compliance_tables) if view_tables else _compliance(request, filters.team_id)
    )
    services.export_record(
        organization=request.organization,
        actor=request.user,
        what="bundle",
        filters=dict(zip(("start", "end", "team", "campaign", "network"), filters.key(), strict=True)),
    )
    response = HttpResponse(exports.bundle(tables, data), content_type="application/zip")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="{request.organization.slug}-analytics-{stamp}.zip"'
    return response
