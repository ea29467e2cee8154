"""Training for everyone: my courses (assigned, available, completed), taking a course lesson by lesson
(progress saved, resume where you stopped), its scenario questions, and the completion record."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..markup import parse_quiz, safe_html
from ..models import Course
from .common import page_url


@require_GET
@org_view("policies.view")
def training_home(request):
    organization, user = request.organization, request.user
    assignments = list(selectors.my_assignments(organization=organization, user=user))
    today = timezone.localdate()
    todo = [a for a in assignments if a.completion_id is None]
    context = {
        "todo": todo,
        "today": today,
        "completions": list(selectors.completions_of(organization=organization, user=user)[:20]),
        "available": list(selectors.available_courses(organization=organization, user=user)),
        "workshops": selectors.training.with_local_times(
            selectors.upcoming_workshops(organization=organization, user=user)[:10]
        ),
        "checkins": services.open_checkins_for_member(organization=organization, user=user),
    }
    return render(request, "policies/training/home.html", context)


def _course_for_member(request, course_id) -> Course:
    course = selectors.get_course_for_org(request.organization, course_id)
    if course.current_version_id is None or course.status != Course.Status.ACTIVE:
        raise Http404("No such course")
    return course


def _course_state(request, course):
    organization, user = request.organization, request.user
    version = course.current_version
    progress = selectors.progress_of(organization=organization, user=user, version=version)
    done = set(progress.lessons_done) if progress else set()
    return {
        "course": course,
        "version": version,
        "progress": progress,
        "done": done,
        "lessons": [
            {"index": i, "title": lesson["title"], "kind": lesson["kind"], "done": i in done}
            for i, lesson in enumerate(version.lessons)
        ],
        "all_done": len(done) >= len(version.lessons),
        "resume": progress.last_lesson if progress else 0,
        "assignment": selectors.open_assignment(organization=organization, user=user, course=course),
        "completion": selectors.completion_of(organization=organization, user=user, course=course),
        "today": timezone.localdate(),
    }


@require_GET
@org_view("policies.view")
def course_detail(request, course_id):
    course = _course_for_member(request, course_id)
    return render(request, "policies/training/course.html", _course_state(request, course))


@require_http_methods(["GET", "POST"])
@org_view("policies.view")
def course_lesson(request, course_id, lesson_index):
    course = _course_for_member(request, course_id)
    version = course.current_version
    if not 0 <= lesson_index < len(version.lessons):
        raise Http404("No such lesson")
    if request.method == "POST":
        try:
            services.lesson_complete(
                organization=request.organization, actor=request.user, course=course, index=lesson_index
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(page_url(request, "course", course_id=course.pk))
        if lesson_index + 1 < len(version.lessons):
            return redirect(page_url(request, "course_lesson", course_id=course.pk, lesson_index=lesson_index + 1))
        if version.has_quiz:
            return redirect(page_url(request, "course_quiz", course_id=course.pk))
        messages.success(request, _("Course completed. Well done!"))
        return redirect(page_url(request, "course", course_id=course.pk))
    lesson = version.lessons[lesson_index]
    context = _course_state(request, course)
    context.update(
        lesson=lesson,
        lesson_html=safe_html(lesson["html"]),
        index=lesson_index,
        number=lesson_index + 1,
        previous=lesson_index - 1 if lesson_index else None,
        is_last=lesson_index + 1 == len(version.lessons),
    )
    return render(request, "policies/training/lesson.html", context)


def _quiz_context(request, course, *, result=None, answers=None, error=""):
    context = _course_state(request, course)
    questions = parse_quiz(context["version"].quiz_source)
    answers = answers or []
    items = []
    for index, question in enumerate(questions):
        chosen = answers[index] if index < len(answers) else None
        items.append(
            {
                "index": index,
                "prompt": question.prompt,
                "choices": list(enumerate(question.choices)),
                "chosen": chosen,
                "right": question.correct,
                "why": question.why,
                "is_right": chosen == question.correct,
            }
        )
    context.update(questions=items, result=result, error=error)
    return context


@require_http_methods(["GET", "POST"])
@org_view("policies.view")
def course_quiz(request, course_id):
    course = _course_for_member(request, course_id)
    if not course.current_version.has_quiz:
        return redirect(page_url(request, "course", course_id=course.pk))
    if request.method == "GET":
        return render(request, "policies/training/quiz.html", _quiz_context(request, course))
    count = len(parse_quiz(course.current_version.quiz_source))
    answers = []
    for index in range(count):
        try:
            answers.append(int(request.POST.get(f"q{index}", "")))
        except ValueError:
            answers.append(None)
    try:
        result = services.course_quiz_submit(
            organization=request.organization, actor=request.user, course=course, answers=answers
        )
    except ValidationError as exc:
        context = _quiz_context(request, course, answers=answers, error=" ".join(exc.messages))
        return render(request, "policies/training/quiz.html", context, status=400)
    return render(
        request, "policies/training/quiz.html", _quiz_context(request, course, result=result, answers=answers)
    )


@require_GET
@org_view("policies.view")
def course_certificate(request, course_id):
    course = selectors.get_course_for_org(request.organization, course_id)
    completion = selectors.completion_of(organization=request.organization, user=request.user, course=course)
    if completion is None:
        raise Http404("No completion")
    return render(request, "policies/training/certificate.html", {"course": course, "completion": completion})
