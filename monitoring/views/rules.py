"""The organization's rules (moderators and admins): the list, create and edit (every error at once, what was
typed kept), delete, and the test box: paste text, see what matches and why, highlighted."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from advocacy.tenancy.decorators import org_view
from monitoring import selectors
from monitoring.forms import RuleForm, TestForm
from monitoring.models import Rule
from monitoring.services import rules as services
from policies.selectors import policy_list_for_staff


def _rules_url(organization) -> str:
    return reverse("monitoring_rules", kwargs={"org_slug": organization.slug})


def _test(request, form: TestForm, rule: Rule | None = None):
    """The test box's result for a valid form (None otherwise)."""
    if not form.is_bound or not form.is_valid():
        return None
    link = request.build_absolute_uri("/") if form.cleaned_data["shares_content"] else ""
    return services.rule_test(
        organization=request.organization, text=form.cleaned_data["text"], rule=rule, employer_link=link
    )


@require_http_methods(["GET", "POST"])
@org_view("monitoring.view")
def rule_list(request):
    """The rules; the test box posts here (it changes nothing) and tries every enabled rule."""
    organization = request.organization
    test_form = TestForm(request.POST if request.method == "POST" else None)
    rules = list(selectors.rule_list(organization=organization))
    # the review queue's rule precision (flags judged violations over 90 days; under the threshold: highlighted)
    from monitoring.review.selectors import rule_precision_by_rule

    precision = rule_precision_by_rule(organization=organization)
    for rule in rules:
        rule.precision = precision.get(rule.pk)
    return render(
        request,
        "monitoring/rules.html",
        {
            "rules": rules,
            "test_form": test_form,
            "result": _test(request, test_form),
            "may_edit": request.membership.may("monitoring.rules"),
        },
    )


def _policies(organization):
    return list(policy_list_for_staff(organization=organization))


def _save(request, form: RuleForm, rule: Rule | None):
    organization = request.organization
    try:
        if rule is None:
            rule = services.rule_create(organization=organization, actor=request.user, data=form.rule_data())
            messages.success(request, _("Rule “%(name)s” created.") % {"name": rule.name})
        else:
            services.rule_update(organization=organization, actor=request.user, rule=rule, data=form.rule_data())
            messages.success(request, _("Rule “%(name)s” saved.") % {"name": rule.name})
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None
    return redirect(_rules_url(organization))


def _editor(request, rule: Rule | None):
    organization = request.organization
    posted = request.POST if request.method == "POST" else None
    initial = RuleForm.initial_for(rule) if rule else {"enabled": True}
    form = RuleForm(posted, initial=initial, policies=_policies(organization))
    test_form = TestForm(posted if posted and posted.get("action") == "test" else None)
    result = None
    if posted and form.is_valid():
        if posted.get("action") == "test":
            trial = Rule(organization=organization, pk=getattr(rule, "pk", None), **_trial_fields(form))
            errors = services.rule_errors(organization=organization, data=form.rule_data(), rule=rule)
            if "pattern" in errors:
                form.add_error("pattern", errors["pattern"])
            else:
                result = _test(request, test_form, trial)
        else:
            saved = _save(request, form, rule)
            if saved is not None:
                return saved
    return render(
        request,
        "monitoring/rule_edit.html",
        {"form": form, "rule": rule, "test_form": test_form, "result": result},
        status=200,
    )


def _trial_fields(form: RuleForm) -> dict:
    data = form.rule_data()
    return {
        "name": data["name"] or _("This rule"),
        "kind": data["kind"],
        "pattern": data["pattern"],
        "category": data["category"],
        "severity": data["severity"],
        "sentiment_condition": data["sentiment_condition"],
        "policy": data["policy"],
        "section": data["section"],
    }


@require_http_methods(["GET", "POST"])
@org_view("monitoring.rules")
def rule_new(request):
    return _editor(request, None)


@require_http_methods(["GET", "POST"])
@org_view("monitoring.rules")
def rule_edit(request, rule_id):
    return _editor(request, selectors.get_rule_for_org(request.organization, rule_id))


@require_POST
@org_view("monitoring.rules")
def rule_delete(request, rule_id):
    organization = request.organization
    rule = selectors.get_rule_for_org(organization, rule_id)
    services.rule_delete(organization=organization, actor=request.user, rule=rule)
    messages.success(request, _("Rule “%(name)s” deleted.") % {"name": rule.name})
    return redirect(_rules_url(organization))
