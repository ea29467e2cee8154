"""Taking a course: progress saved per lesson (so people resume where they stopped), quiz attempts, and the
append-only completion that records the exact version (its hash)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from advocacy.audit.services import audit_record

from ..markup import grade_quiz, parse_quiz
from ..models import Course, CourseAssignment, CourseCompletion, CourseProgress, CourseQuizAttempt, CourseVersion
from .common import add_months_dt


def _published(course: Course) -> CourseVersion:
    if course.status != Course.Status.ACTIVE or course.current_version_id is None:
        raise ValidationError("This course is not available.")
    return course.current_version


def progress_for(*, organization, user, version: CourseVersion) -> CourseProgress:
    progress, _ = CourseProgress.objects.get_or_create(
        organization=organization, version=version, user=user, defaults={"course_id": version.course_id}
    )
    return progress


@transaction.atomic
def lesson_complete(*, organization, actor, course: Course, index: int) -> CourseProgress:
    """Mark lesson `index` (0-based) of the current version done and remember it as the place to resume."""
    version = _published(course)
    if not 0 <= index < len(version.lessons):
        raise ValidationError("There is no such lesson in this course.")
    progress = progress_for(organization=organization, user=actor, version=version)
    progress = CourseProgress.objects.select_for_update().get(organization=organization, pk=progress.pk)
    done = set(progress.lessons_done or [])
    done.add(index)
    progress.lessons_done = sorted(done)
    progress.last_lesson = min(index + 1, len(version.lessons) - 1)
    progress.save(update_fields=["lessons_done", "last_lesson", "updated_at"])
    if not version.has_quiz and len(done) == len(version.lessons):
        course_complete(organization=organization, actor=actor, course=course, version=version)
    return progress


@dataclass(frozen=True)
class QuizResult:
    attempt: CourseQuizAttempt
    completion: CourseCompletion | None

    @property
    def passed(self) -> bool:
        return self.attempt.passed


@transaction.atomic
def course_quiz_submit(*, organization, actor, course: Course, answers: list) -> QuizResult:
    """Grade an attempt at the current version's quiz (every lesson must be done first). A pass completes the
    course; a fail can be tried again."""
    version = _published(course)
    if not version.has_quiz:
        raise ValidationError("This course has no quiz.")
    progress = progress_for(organization=organization, user=actor, version=version)
    if len(set(progress.lessons_done or [])) < len(version.lessons):
        raise ValidationError("Finish every lesson before the questions.")
    questions = parse_quiz(version.quiz_source)
    score, recorded = grade_quiz(questions, answers)
    if any(choice is None for choice in recorded):
        raise ValidationError({"answers": ["Answer every question."]})
    attempt = CourseQuizAttempt.objects.create(
        organization=organization,
        version=version,
        user=actor,
        answers=recorded,
        score=score,
        passed=score >= version.pass_mark,
    )
    completion = None
    if attempt.passed:
        completion = course_complete(
            organization=organization, actor=actor, course=course, version=version, attempt=attempt
        )
    return QuizResult(attempt, completion)


def _open_assignment(organization, course, user_id) -> CourseAssignment | None:
    return (
        CourseAssignment.objects.select_for_update()
        .filter(organization=organization, course=course, user_id=user_id, completion__isnull=True)
        .order_by("cycle")
        .first()
    )


@transaction.atomic
def course_complete(
    *,
    organization,
    actor,
    course: Course,
    version: CourseVersion,
    attempt: CourseQuizAttempt | None = None,
    via: str = CourseCompletion.Via.COURSE,
    user=None,
) -> CourseCompletion:
    """Record that `user` (the actor, unless HR records attendance for someone) completed `version`: one
    append-only row per person, version and cycle (the open assignment's cycle), which closes the assignment.
    Completing again in the same cycle returns the existing record."""
    user = user or actor
    assignment = _open_assignment(organization, course, user.pk)
    if assignment is not None:
        cycle = assignment.cycle
    else:
        last = (
            CourseCompletion.objects.filter(organization=organization, course=course, user=user)
            .order_by("-cycle")
            .first()
        )
        if last is not None and (last.valid_until is None or last.valid_until > timezone.now()):
            return last
        cycle = (last.cycle + 1) if last else 0
    now = timezone.now()
    try:
        with transaction.atomic():
            completion = CourseCompletion.objects.create(
                organization=organization,
                course=course,
                version=version,
                user=user,
                user_email=user.email,
                user_name=getattr(user, "full_name", "") or "",
                content_sha256=version.content_sha256,
                cycle=cycle,
                via=via,
                score=attempt.score if attempt else None,
                quiz_attempt=attempt,
                completed_at=now,
                valid_until=add_months_dt(now, course.recur_months) if course.recur_months else None,
            )
    except IntegrityError:  # a second submit at the same moment
        return CourseCompletion.objects.get(organization=organization, version=version, user=user, cycle=cycle)
    if assignment is not None:
        assignment.completion = completion
        assignment.completed_at = now
        assignment.save(update_fields=["completion", "completed_at"])
    audit_record(
        organization=organization,
        actor=actor,
        action="training.course_completed",
        target=course,
        data={"user": user.pk, "version": version.pk, "sha256": version.content_sha256, "via": via},
    )
    return completion
