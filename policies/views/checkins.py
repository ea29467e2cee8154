"""Check-ins: members answer the open round; HR creates them and reads the anonymous summary."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..services.checkins import MIN_GROUP, round_on
from ..training_forms import CheckInForm
from .common import add_errors, page_url


@require_http_methods(["GET", "POST"])
@org_view("policies.view")
def checkin_answer(request, checkin_id):
    organization = request.organization
    checkin = selectors.get_checkin_for_org(organization, checkin_id)
    errors, answers = [], []
    if request.method == "POST":
        answers = [request.POST.get(f"a{i}", "") for i in range(len(checkin.questions))]
        try:
            services.checkin_answer(organization=organization, actor=request.user, checkin=checkin, answers=answers)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Thank you. Your answers are anonymous: HR sees only a summary."))
            return redirect(page_url(request, "training"))
    questions = [
        {**q, "index": i, "value": answers[i] if i < len(answers) else ""} for i, q in enumerate(checkin.questions)
    ]
    context = {"checkin": checkin, "questions": questions, "errors": errors, "round_on": round_on(checkin)}
    return render(request, "policies/training/checkin.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
@org_view("policies.train")
def checkin_create(request):
    organization = request.organization
    form = CheckInForm(request.POST or None, organization=organization)
    if request.method == "POST":
        questions = services.parse_questions(request.POST.get("questions", ""))
        if form.is_valid():
            data = form.cleaned_data
            try:
                checkin = services.checkin_create(
                    organization=organization,
                    actor=request.user,
                    title=data["title"],
                    questions=questions,
                    starts_on=data["starts_on"],
                    team=data["team"],
                    repeat_days=data["repeat_days"],
                    open_days=data["open_days"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, _("Check-in created. Members see it on their Training page while it is open.")
                )
                return redirect(page_url(request, "checkin_results", checkin_id=checkin.pk))
        else:
            errors = services.checkins.checkin_errors(
                title=request.POST.get("title", ""), questions=questions, starts_on=form.cleaned_data.get("starts_on")
            )
            for field, messages_ in errors.items():
                if field not in form.errors:
                    form.add_error(field, messages_)
    return render(request, "policies/training/checkin_form.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
@org_view("policies.train")
def checkin_results(request, checkin_id):
    organization = request.organization
    checkin = selectors.get_checkin_for_org(organization, checkin_id)
    rounds = services.checkin_summary(organization=organization, checkin=checkin)
    context = {"checkin": checkin, "rounds": rounds, "min_group": MIN_GROUP, "round_on": round_on(checkin)}
    return render(request, "policies/training/checkin_results.html", context)


@require_POST
@org_view("policies.train")
def checkin_stop(request, checkin_id):
    checkin = selectors.get_checkin_for_org(request.organization, checkin_id)
    services.checkin_stop(organization=request.organization, actor=request.user, checkin=checkin)
    messages.success(request, _("Check-in stopped: no more rounds will open."))
    return redirect(page_url(request, "checkin_results", checkin_id=checkin.pk))
