"""Reading, acknowledging and comparing policies (everyone)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..forms import FeedbackAnswerForm, QuestionForm
from ..markup import diff_stats, parse_quiz, safe_html, side_by_side
from ..models import PolicyKind
from .common import get_policy, get_version, may, page_url

# --- list and reading ---------------------------------------------------------------------------------


@require_GET
@org_view("policies.view")
def policy_list(request):
    organization, user = request.organization, request.user
    mine = list(selectors.policy_list_for_member(organization=organization, user=user))
    staff = None
    tab = request.GET.get("tab", "")
    if may(request, "policies.author") or may(request, "policies.track"):
        status = "archived" if tab == "archived" else "active"
        staff = list(
            selectors.policy_list_for_staff(
                organization=organization,
                status=status,
                kind=request.GET.get("kind", "") if request.GET.get("kind") in PolicyKind.values else "",
                search=request.GET.get("q", ""),
            )
        )
    context = {
        "mine": mine,
        "pending_count": sum(1 for p in mine if not p.acked),
        "staff": staff,
        "tab": tab or "active",
        "kinds": PolicyKind.choices,
        "kind": request.GET.get("kind", ""),
        "q": request.GET.get("q", ""),
        "unseen_answers": selectors.unseen_answers_count(organization=organization, user=user),
    }
    return render(request, "policies/list.html", context)


def reading_context(request, policy, version, *, answer_form=None):
    organization = request.organization
    membership = request.membership
    in_audience = selectors.is_in_audience(organization=organization, policy=policy, membership=membership)
    ack = selectors.valid_acknowledgement(organization=organization, user=request.user, version=version)
    quiz = parse_quiz(version.quiz_source) if version.has_quiz else []
    attempts = list(selectors.quiz_attempts(organization=organization, version=version, user=request.user)[:5])
    previous = selectors.previous_version(organization=organization, policy=policy, version=version)
    return {
        "policy": policy,
        "version": version,
        "body": safe_html(version.body_html),
        "is_current": policy.current_version_id == version.pk,
        "in_audience": in_audience,
        "ack": ack,
        "quiz": quiz,
        "attempts": attempts,
        "previous": previous,
        "faq": selectors.faq_for_policy(organization=organization, policy=policy),
        "question_form": QuestionForm(),
        "overdue": selectors.acknowledgement_state(version=version, acknowledged=ack is not None) == "overdue",
        "review_overdue": selectors.is_review_overdue(policy),
        "last_review": selectors.last_review_date(organization=organization, policy=policy),
        **feedback_context(request, policy, version, in_audience, answer_form),
    }


def feedback_context(request, policy, version, in_audience: bool, answer_form=None) -> dict:
    """The feedback round open on the policy, for its audience reading the version in force: their own answer
    (to change it), or the form as they typed it."""
    if answer_form is not None:  # an answer that was refused comes back as typed, with why
        feedback_round = answer_form.feedback_round
    elif not in_audience or policy.current_version_id != version.pk:
        return {"feedback_round": None}
    else:
        feedback_round = selectors.open_round(organization=request.organization, policy=policy)
    if feedback_round is None:
        return {"feedback_round": None}
    mine = selectors.my_answer(organization=request.organization, feedback_round=feedback_round, user=request.user)
    if answer_form is None:
        initial = {"rating": mine.rating, "comment": mine.comment} if mine else {}
        answer_form = FeedbackAnswerForm(initial=initial)
    return {"feedback_round": feedback_round, "my_answer": mine, "answer_form": answer_form}


@require_GET
@org_view("policies.view")
def policy_detail(request, policy_id):
    policy = get_policy(request, policy_id)
    if policy.current_version_id is None:
        return redirect(page_url(request, "manage", policy_id=policy.pk))
    return render(request, "policies/detail.html", reading_context(request, policy, policy.current_version))


@require_GET
@org_view("policies.view")
def version_detail(request, policy_id, version_id):
    policy = get_policy(request, policy_id)
    version = get_version(request, policy, version_id)
    if not version.is_frozen:
        return redirect(page_url(request, "draft", policy_id=policy.pk))
    return render(request, "policies/detail.html", reading_context(request, policy, version))


@require_POST
@org_view("policies.view")
def acknowledge(request, policy_id, version_id):
    policy = get_policy(request, policy_id)
    version = get_version(request, policy, version_id)
    back = page_url(request, "detail", policy_id=policy.pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick “I have read and accept this policy” to acknowledge it.")
        return redirect(back)
    answers = None
    if version.has_quiz:
        count = len(parse_quiz(version.quiz_source))
        answers = [request.POST.get(f"q{i}", "") for i in range(count)]
    try:
        result = services.acknowledge(
            organization=request.organization, actor=request.user, version=version, quiz_answers=answers
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    if result.ok:
        messages.success(request, result.message)
    else:
        messages.warning(request, result.message)
    return redirect(back)


# --- compare -------------------------------------------------------------------------------------------


@require_GET
@org_view("policies.view")
def compare(request, policy_id):
    organization = request.organization
    policy = get_policy(request, policy_id)
    versions = list(
        selectors.version_list(organization=organization, policy=policy, include_drafts=may(request, "policies.author"))
    )
    by_id = {str(v.pk): v for v in versions}
    if len(versions) < 2:
        messages.info(request, "There is only one version so far: nothing to compare.")
        return redirect(page_url(request, "detail", policy_id=policy.pk))
    new = by_id.get(request.GET.get("b", "")) or versions[0]
    old = by_id.get(request.GET.get("a", ""))
    if old is None:
        older = [v for v in versions if v.pk != new.pk]
        old = older[0] if new is versions[0] else versions[0]
    rows = side_by_side(old.body_markdown, new.body_markdown)
    title_changed = old.title != new.title
    context = {
        "policy": policy,
        "versions": versions,
        "old": old,
        "new": new,
        "rows": rows,
        "stats": diff_stats(rows),
        "title_changed": title_changed,
        "only_changes": request.GET.get("changes") == "1",
    }
    return render(request, "policies/compare.html", context)
