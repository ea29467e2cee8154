"""The response plan's pages: the plan as responders read it (Markdown protocol rendered and cleaned the way
policies are), the editor (every error of the plan and its four lists at once, nothing saved until all is
right), its history, "Mark reviewed", and the webhook settings with a test message."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from advocacy.tenancy.decorators import org_view
from policies.markup import render_markdown, safe_html

from .. import selectors
from ..forms import ContactFormSet, PlanForm, RoleFormSet, StatementFormSet, StepFormSet, WebhookForm
from ..services import notifications
from ..services import plan as services
from .common import MANAGE, PLAN


def _plan_url(request, name="incidents_plan") -> str:
    return reverse(name, kwargs={"org_slug": request.organization.slug})


@require_http_methods(["GET"])
@org_view(MANAGE)
def plan_detail(request):
    organization = request.organization
    plan = selectors.plan_for_page(organization=organization)
    return render(
        request,
        "monitoring_incidents/plan.html",
        {
            "plan": plan if plan and plan.version else None,
            "protocol_html": safe_html(render_markdown(plan.protocol)) if plan and plan.protocol else "",
            "may_edit": request.membership.may(PLAN),
            "deliveries": selectors.recent_deliveries(organization=organization, limit=5) if plan else [],
        },
    )


def _initial(plan) -> dict:
    if plan is None:
        return {"plan": {}, "roles": [], "contacts": [], "statements": [], "steps": []}
    return {
        "plan": {"owner": plan.owner_id, "protocol": plan.protocol},
        "roles": [
            {"name": r.name, "duties": r.duties, "responder": r.responder_id, "deputy": r.deputy_id}
            for r in plan.roles.all()
        ],
        "contacts": [{"name": c.name, "role": c.role, "email": c.email, "phone": c.phone} for c in plan.contacts.all()],
        "statements": [{"title": s.title, "text": s.text} for s in plan.statements.all()],
        "steps": [{"text": s.text} for s in plan.steps.all()],
    }


def _forms(request, plan):
    organization = request.organization
    data = request.POST if request.method == "POST" else None
    initial = _initial(plan)
    return {
        "form": PlanForm(data, initial=initial["plan"], organization=organization),
        "roles": RoleFormSet(data, initial=initial["roles"], prefix="roles", organization=organization),
        "contacts": ContactFormSet(data, initial=initial["contacts"], prefix="contacts"),
        "statements": StatementFormSet(data, initial=initial["statements"], prefix="statements"),
        "steps": StepFormSet(data, initial=initial["steps"], prefix="steps"),
    }


def _kept(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


def _plan_input(forms) -> services.PlanInput:
    owner = forms["form"].cleaned_data.get("owner")
    return services.PlanInput(
        owner_id=owner.pk if owner else None,
        protocol=forms["form"].cleaned_data.get("protocol", ""),
        roles=[
            services.RoleInput(
                name=r["name"],
                duties=r.get("duties", ""),
                responder_id=r["responder"].pk,
                deputy_id=r["deputy"].pk if r.get("deputy") else None,
            )
            for r in _kept(forms["roles"])
        ],
        contacts=[
            services.ContactInput(**{k: c.get(k, "") for k in ("name", "role", "email", "phone")})
            for c in _kept(forms["contacts"])
        ],
        statements=[services.StatementInput(title=s["title"], text=s["text"]) for s in _kept(forms["statements"])],
        steps=[s["text"] for s in _kept(forms["steps"])],
    )


@require_http_methods(["GET", "POST"])
@org_view(PLAN)
def plan_edit(request):
    organization = request.organization
    plan = selectors.plan_for_page(organization=organization)
    forms = _forms(request, plan)
    if request.method == "POST":
        valid = [form.is_valid() for form in forms.values()]  # every form checked: every error shown at once
        if all(valid):
            try:
                services.plan_save(
                    organization=organization,
                    actor=request.user,
                    data=_plan_input(forms),
                    summary=forms["form"].cleaned_data.get("summary", ""),
                )
            except ValidationError as exc:
                forms["form"].add_error(None, exc.messages)
            else:
                messages.success(request, _("Plan saved. The previous version is kept in its history."))
                return redirect(_plan_url(request))
    invalid = request.method == "POST"
    return render(
        request,
        "monitoring_incidents/plan_edit.html",
        {**forms, "plan": plan, "has_errors": invalid},
        status=400 if invalid else 200,
    )


@require_POST
@org_view(PLAN)
def plan_reviewed(request):
    plan = services.plan_mark_reviewed(organization=request.organization, actor=request.user)
    messages.success(
        request,
        _("Plan marked reviewed. The next review is due on %(due)s.") % {"due": f"{plan.review_due_on:%d %B %Y}"},
    )
    return redirect(_plan_url(request))


@require_http_methods(["GET"])
@org_view(MANAGE)
def plan_history(request):
    versions = selectors.plan_versions(organization=request.organization)
    return render(request, "monitoring_incidents/plan_history.html", {"versions": versions})


@require_http_methods(["GET", "POST"])
@org_view(PLAN)
def plan_notifications(request):
    organization = request.organization
    plan = selectors.plan_for_page(organization=organization)
    initial = {"webhook_url": plan.webhook_url, "webhook_format": plan.webhook_format} if plan else {}
    form = WebhookForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("action") == "test":
        delivery = notifications.webhook_test_send(organization=organization, actor=request.user)
        if delivery is None:
            messages.error(request, _("Set a webhook address and secret first."))
        else:
            messages.success(request, _("Test message queued. Its delivery shows below in a moment."))
        return redirect(_plan_url(request, "incidents_plan_notifications"))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_webhook_set(
                organization=organization,
                actor=request.user,
                url=form.cleaned_data["webhook_url"],
                secret=form.cleaned_data["webhook_secret"],
                fmt=form.cleaned_data["webhook_format"],
            )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Notification settings saved."))
            return redirect(_plan_url(request, "incidents_plan_notifications"))
    return render(
        request,
        "monitoring_incidents/plan_notifications.html",
        {
            "form": form,
            "plan": plan,
            "has_secret": bool(plan and plan.webhook_secret_encrypted),
            "deliveries": selectors.recent_deliveries(organization=organization, limit=20),
        },
        status=400 if form.errors else 200,
    )
