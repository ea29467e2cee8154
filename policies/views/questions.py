"""Questions and feedback: asking (everyone), the inbox and the FAQ (HR), my questions, follow-up codes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..forms import AnswerForm, FollowupForm, QuestionForm
from .common import get_policy, page_url
from .reading import reading_context

QUESTIONS_PER_PAGE = 30


# --- questions -------------------------------------------------------------------------------------------


@require_POST
@org_view("policies.view")
def ask(request, policy_id):
    organization = request.organization
    policy = get_policy(request, policy_id)
    version = policy.current_version
    form = QuestionForm(request.POST)
    if version is None or not form.is_valid():
        context = reading_context(request, policy, version) if version else {}
        context["question_form"] = form
        messages.error(request, "Write your question or feedback (up to 4,000 characters).")
        return render(request, "policies/detail.html", context, status=400)
    try:
        question, code = services.question_ask(
            organization=organization,
            actor=request.user,
            version=version,
            body=form.cleaned_data["body"],
            kind=form.cleaned_data["kind"],
            anonymous=form.cleaned_data["anonymous"],
        )
    except ValidationError as exc:
        context = reading_context(request, policy, version)
        context["question_form"] = form
        messages.error(request, " ".join(exc.messages))
        return render(request, "policies/detail.html", context, status=400)
    if code:
        return render(request, "policies/anonymous_code.html", {"policy": policy, "code": code})
    messages.success(request, "Thanks — HR will answer you. You'll get an email and see it under “My questions”.")
    return redirect(page_url(request, "detail", policy_id=policy.pk))


@require_GET
@org_view("policies.answer")
def question_inbox(request):
    return _inbox_page(request)


def _inbox_page(request, *, failed_answer=None, question_id=None):
    """The questions inbox; an answer that was refused comes back in its question's box as typed."""
    organization = request.organization
    status = request.GET.get("status", "open")
    if status not in ("open", "answered", "all"):
        status = "open"
    questions = selectors.question_inbox(organization=organization, status=status)
    page_obj = Paginator(questions, QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    if failed_answer is not None:
        for question in page_obj:
            if question.pk == question_id:
                question.draft_answer = failed_answer.data.get("answer", "")
                question.draft_publish = failed_answer.data.get("publish_faq") == "on"
    return render(
        request,
        "policies/questions.html",
        {"page_obj": page_obj, "status": status, "answer_form": AnswerForm()},
        status=400 if failed_answer is not None else 200,
    )


@require_POST
@org_view("policies.answer")
def question_answer(request, question_id):
    organization = request.organization
    question = selectors.get_question_for_org(organization, question_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write the answer (up to 8,000 characters).")
        return _inbox_page(request, failed_answer=form, question_id=question.pk)
    try:
        services.question_answer(
            organization=organization,
            actor=request.user,
            question=question,
            answer=form.cleaned_data["answer"],
            publish_faq=form.cleaned_data["publish_faq"],
            faq_question=form.cleaned_data["faq_question"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _inbox_page(request, failed_answer=form, question_id=question.pk)
    else:
        messages.success(request, "Answer sent." + (" It is published in the FAQ." if question.faq_published else ""))
    return redirect(page_url(request, "questions"))


@require_POST
@org_view("policies.answer")
def question_faq(request, question_id):
    organization = request.organization
    question = selectors.get_question_for_org(organization, question_id)
    try:
        services.question_set_faq(
            organization=organization,
            actor=request.user,
            question=question,
            published=request.POST.get("published") == "1",
            faq_question=request.POST.get("faq_question", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "FAQ updated.")
    return redirect(page_url(request, "questions") + "?status=answered")


@require_GET
@org_view("policies.view")
def my_questions(request):
    organization = request.organization
    questions = list(selectors.questions_of(organization=organization, user=request.user)[:200])
    unseen = {q.pk for q in questions if q.answered_at and not q.answer_seen_at}
    if unseen:
        services.answers_mark_seen(organization=organization, actor=request.user)
    return render(request, "policies/my_questions.html", {"questions": questions, "unseen": unseen})


@require_http_methods(["GET", "POST"])
@org_view("policies.view")
def followup(request):
    form = FollowupForm(request.POST or None)
    question = None
    if request.method == "POST" and form.is_valid():
        question = selectors.question_by_code(organization=request.organization, code=form.cleaned_data["code"])
        if question is None:
            form.add_error("code", "No question matches this code. Check it and try again.")
    return render(request, "policies/followup.html", {"form": form, "question": question})
