"""Writes to courses: create and edit, drafts and publication (versioned like policies), assignment to a
person, a team or everyone (`course_assign` is also what a moderator's decision calls), and archiving."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from advocacy.audit.services import audit_record
from advocacy.core import mail
from advocacy.tenancy.models import Membership, Team

from ..markup import parse_lessons, parse_quiz, sha256_of
from ..models import Course, CourseAssignment, CourseCompletion, CourseVersion
from .common import org_url

MAX_DUE_DAYS = 365
Source = CourseAssignment.Source


def course_errors(*, title: str, summary: str, recur_months, new_member_due_days) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ["Give the course a title."]
    elif len(title) > 160:
        errors["title"] = ["Keep the title under 160 characters."]
    if len(summary or "") > 280:
        errors["summary"] = ["Keep the summary under 280 characters."]
    if recur_months is not None and not 1 <= int(recur_months) <= 60:
        errors["recur_months"] = ["A refresher recurs every 1 to 60 months (leave it empty for a one-off course)."]
    if new_member_due_days is not None and not 1 <= int(new_member_due_days) <= 180:
        errors["new_member_due_days"] = ["New members get 1 to 180 days to complete it."]
    return errors


def content_errors(*, lessons_markdown: str, quiz_source: str, pass_mark) -> dict[str, list[str]]:
    """What is wrong with a course's lessons and quiz, every problem at once (by field)."""
    errors: dict[str, list[str]] = {}
    try:
        parse_lessons(lessons_markdown)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if (quiz_source or "").strip():
        try:
            parse_quiz(quiz_source)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if pass_mark is None:
            errors["pass_mark"] = ["Set the pass mark (the percent of right answers needed to pass)."]
    if pass_mark is not None and not 1 <= int(pass_mark) <= 100:
        errors["pass_mark"] = ["The pass mark is a percent between 1 and 100."]
    return errors


@transaction.atomic
def course_create(
    *,
    organization,
    actor,
    title: str,
    summary: str = "",
    lessons_markdown: str = "",
    quiz_source: str = "",
    pass_mark: int | None = None,
    recur_months: int | None = None,
    assign_new_members: bool = False,
    new_member_due_days: int = 14,
) -> Course:
    """A new course with its first draft (lessons may be written later; they are checked at publish)."""
    errors = course_errors(
        title=title, summary=summary, recur_months=recur_months, new_member_due_days=new_member_due_days
    )
    if lessons_markdown.strip() or quiz_source.strip():
        errors.update(content_errors(lessons_markdown=lessons_markdown, quiz_source=quiz_source, pass_mark=pass_mark))
    if errors:
        raise ValidationError(errors)
    course = Course.objects.create(
        organization=organization,
        title=title.strip(),
        summary=(summary or "").strip(),
        recur_months=recur_months,
        assign_new_members=assign_new_members,
        new_member_due_days=new_member_due_days or 14,
        created_by=actor,
    )
    CourseVersion.objects.create(
        organization=organization,
        course=course,
        title=course.title,
        lessons_markdown=_normal(lessons_markdown),
        quiz_source=quiz_source or "",
        pass_mark=pass_mark,
        created_by=actor,
    )
    audit_record(organization=organization, actor=actor, action="training.course_created", target=course)
    return course


def _normal(text: str) -> str:
    text = (text or "").replace("\r\n", "\n")
    return text.rstrip() + "\n" if text.strip() else ""


@transaction.atomic
def course_update(
    *,
    organization,
    actor,
    course: Course,
    title: str,
    summary: str,
    recur_months: int | None,
    assign_new_members: bool,
    new_member_due_days: int,
) -> Course:
    errors = course_errors(
        title=title, summary=summary, recur_months=recur_months, new_member_due_days=new_member_due_days
    )
    if errors:
        raise ValidationError(errors)
    course = Course.objects.select_for_update().get(organization=organization, pk=course.pk)
    course.title = title.strip()
    course.summary = (summary or "").strip()
    course.recur_months = recur_months
    course.assign_new_members = assign_new_members
    course.new_member_due_days = new_member_due_days
    course.save()
    audit_record(organization=organization, actor=actor, action="training.course_updated", target=course)
    return course


def course_draft(*, organization, course: Course) -> CourseVersion | None:
    return CourseVersion.objects.filter(
        organization=organization, course=course, status=CourseVersion.Status.DRAFT
    ).first()


@transaction.atomic
def course_draft_save(
    *, organization, actor, course: Course, lessons_markdown: str, quiz_source: str, pass_mark, change_summary=""
) -> CourseVersion:
    """Save the course's draft (started from the published text when there is none). Errors in the lessons or
    the quiz are reported all at once; nothing is saved then."""
    errors = content_errors(lessons_markdown=lessons_markdown, quiz_source=quiz_source, pass_mark=pass_mark)
    if len(change_summary or "") > 280:
        errors["change_summary"] = ["Keep the summary of changes under 280 characters."]
    if errors:
        raise ValidationError(errors)
    draft = course_draft(organization=organization, course=course)
    if draft is None:
        try:
            with transaction.atomic():
                draft = CourseVersion.objects.create(
                    organization=organization, course=course, title=course.title, created_by=actor
                )
        except IntegrityError:  # a draft started meanwhile
            draft = course_draft(organization=organization, course=course)
    draft.title = course.title
    draft.lessons_markdown = _normal(lessons_markdown)
    draft.quiz_source = quiz_source or ""
    draft.pass_mark = pass_mark
    draft.change_summary = (change_summary or "").strip()
    draft.save()
    audit_record(organization=organization, actor=actor, action="training.draft_saved", target=draft)
    return draft


def frozen_content(version: CourseVersion) -> tuple[list[dict], str]:
    """The lessons as people will see them, and the SHA-256 of the lessons' HTML and the quiz."""
    lessons = [
        {"title": lesson.title, "kind": lesson.kind, "html": lesson.html}
        for lesson in parse_lessons(version.lessons_markdown)
    ]
    digest_source = "\n\u241e\n".join(
        [version.title, *(f"{item['kind']}\u241f{item['title']}\u241f{item['html']}" for item in lessons)]
        + [version.quiz_source.strip(), str(version.pass_mark or "")]
    )
    return lessons, sha256_of(digest_source)


@transaction.atomic
def course_publish(*, organization, actor, course: Course) -> CourseVersion:
    """Publish the draft: its lessons and quiz are frozen with their hash; the previous version is superseded.
    Completions of earlier versions still count (people are not asked to take a course again for an edit)."""
    course = Course.objects.select_for_update().get(organization=organization, pk=course.pk)
    if course.status == Course.Status.ARCHIVED:
        raise ValidationError("Restore the course before publishing it.")
    draft = course_draft(organization=organization, course=course)
    if draft is None:
        raise ValidationError("There is no draft to publish.")
    errors = content_errors(
        lessons_markdown=draft.lessons_markdown, quiz_source=draft.quiz_source, pass_mark=draft.pass_mark
    )
    if errors:
        raise ValidationError(errors)
    lessons, digest = frozen_content(draft)
    number = (
        CourseVersion.objects.filter(organization=organization, course=course).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    CourseVersion.objects.filter(
        organization=organization, course=course, status=CourseVersion.Status.PUBLISHED
    ).update(status=CourseVersion.Status.SUPERSEDED)
    draft.lessons = lessons
    draft.content_sha256 = digest
    draft.number = number
    draft.status = CourseVersion.Status.PUBLISHED
    draft.published_by = actor
    draft.published_at = timezone.now()
    draft.save()
    course.current_version = draft
    course.save(update_fields=["current_version", "updated_at"])
    audit_record(
        organization=organization,
        actor=actor,
        action="training.course_published",
        target=draft,
        data={"number": number, "sha256": digest, "lessons": len(lessons)},
    )
    return draft


@transaction.atomic
def course_require_for_sharing(*, organization, actor, course: Course, required: bool) -> None:
    """Make `course` the one members complete before they can share content (or stop requiring it). Audited:
    it changes who may share."""
    from advocacy.tenancy.models import Organization

    from ..selectors import SHARE_COURSE_SETTING

    org = Organization.objects.select_for_update().get(pk=organization.pk)
    current = (org.settings or {}).get(SHARE_COURSE_SETTING)
    if required and course.current_version_id is None:
        raise ValidationError({"required_to_share": ["Publish the course before requiring it for sharing."]})
    if required == (current == course.pk):
        return
    if not required and current != course.pk:
        return
    org.settings = {**(org.settings or {}), SHARE_COURSE_SETTING: course.pk if required else None}
    org.save(update_fields=["settings"])
    organization.settings = org.settings
    audit_record(
        organization=organization,
        actor=actor,
        action="training.share_gate_set" if required else "training.share_gate_cleared",
        target=course,
        data={"before": current},
    )


@transaction.atomic
def course_archive(*, organization, actor, course: Course, archived: bool = True) -> Course:
    course = Course.objects.select_for_update().get(organization=organization, pk=course.pk)
    course.status = Course.Status.ARCHIVED if archived else Course.Status.ACTIVE
    course.save(update_fields=["status", "updated_at"])
    audit_record(
        organization=organization,
        actor=actor,
        action="training.course_archived" if archived else "training.course_restored",
        target=course,
    )
    return course


# --- assignment ----------------------------------------------------------------------------------------


def assign_errors(*, course: Course, due_on: date | None, reason: str = "", today: date | None = None) -> dict:
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if course.status != Course.Status.ACTIVE:
        errors.setdefault("__all__", []).append("This course is archived; restore it before assigning it.")
    elif course.current_version_id is None:
        errors.setdefault("__all__", []).append("Publish the course before assigning it.")
    if due_on is None:
        errors["due_on"] = ["Choose the date it is due."]
    elif due_on < today:
        errors["due_on"] = ["The due date cannot be in the past."]
    elif due_on > today + timedelta(days=MAX_DUE_DAYS):
        errors["due_on"] = [f"Choose a due date within {MAX_DUE_DAYS} days."]
    if len(reason or "") > 280:
        errors["reason"] = ["Keep the reason under 280 characters."]
    return errors


def _assignment_mails(organization, course: Course, assignments: list[CourseAssignment]) -> list[mail.Mail]:
    users = get_user_model().objects.filter(pk__in=[a.user_id for a in assignments]).in_bulk()
    url = org_url(organization, "course", course_id=course.pk)
    out = []
    for assignment in assignments:
        email = getattr(users.get(assignment.user_id), "email", "")
        if not email:
            continue
        why = f"\n\n{assignment.reason}" if assignment.reason else ""
        body = (
            f"You have a course to complete: “{course.title}”, due by {assignment.due_on:%d %B %Y}.{why}\n\n"
            f"Take it here (you can stop and resume at any time): {url}\n"
        )
        out.append(mail.Mail(to=email, subject=f"Course to complete: {course.title}", body=body, kind="training"))
    return out


def _valid_completion_exists(organization, course: Course, user_ids, now):
    return set(
        CourseCompletion.objects.filter(organization=organization, course=course, user_id__in=user_ids)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def course_assign(
    *,
    organization,
    actor,
    course: Course,
    user,
    due_on: date | None,
    reason: str = "",
    source: str = Source.PERSON,
) -> CourseAssignment:
    """Assign `course` to one member, due on `due_on`, and tell them by email. Someone already working on it
    keeps their open assignment (its due date moves earlier if this one is sooner); someone who completed it
    gets a new cycle, so they take it again (a moderator's decision, HR asking for a retake). Audited.
    `reason` is shown to the member ("After the review of your post of 3 May")."""
    errors = assign_errors(course=course, due_on=due_on, reason=reason)
    membership = Membership.objects.filter(organization=organization, user_id=getattr(user, "pk", user), is_active=True)
    if not membership.exists():
        errors.setdefault("__all__", []).append("This person is not an active member of the organization.")
    if errors:
        raise ValidationError(errors)
    user_id = getattr(user, "pk", user)
    latest = (
        CourseAssignment.objects.select_for_update()
        .filter(organization=organization, course=course, user_id=user_id)
        .order_by("-cycle")
        .first()
    )
    if latest is not None and latest.completion_id is None:
        if due_on < latest.due_on:
            latest.due_on = due_on
            latest.save(update_fields=["due_on"])
        return latest
    assignment = CourseAssignment.objects.create(
        organization=organization,
        course=course,
        user_id=user_id,
        cycle=(latest.cycle + 1) if latest else 0,
        due_on=due_on,
        source=source,
        reason=(reason or "").strip(),
        assigned_by=actor if getattr(actor, "pk", None) else None,
    )
    mail.queue(organization, _assignment_mails(organization, course, [assignment]))
    audit_record(
        organization=organization,
        actor=actor,
        action="training.course_assigned",
        target=course,
        data={"user": user_id, "due_on": str(due_on), "source": source, "cycle": assignment.cycle},
    )
    return assignment


@transaction.atomic
def course_assign_group(
    *, organization, actor, course: Course, due_on: date | None, team: Team | None = None, reason: str = ""
) -> int:
    """Assign `course` to every active member (or one team's): those with an open assignment or a valid
    completion are left as they are. Returns how many were assigned. One email each, one audit record."""
    errors = assign_errors(course=course, due_on=due_on, reason=reason)
    if errors:
        raise ValidationError(errors)
    members = Membership.objects.filter(organization=organization, is_active=True)
    if team is not None:
        members = members.filter(team=team)
    user_ids = list(members.values_list("user_id", flat=True))
    latest: dict[int, CourseAssignment] = {}
    for assignment in CourseAssignment.objects.filter(
        organization=organization, course=course, user_id__in=user_ids
    ).order_by("cycle"):
        latest[assignment.user_id] = assignment
    done = _valid_completion_exists(organization, course, user_ids, timezone.now())
    new = []
    for user_id in user_ids:
        previous = latest.get(user_id)
        if user_id in done or (previous is not None and previous.completion_id is None):
            continue
        new.append(
            CourseAssignment(
                organization=organization,
                course=course,
                user_id=user_id,
                cycle=(previous.cycle + 1) if previous else 0,
                due_on=due_on,
                source=Source.TEAM if team else Source.EVERYONE,
                reason=(reason or "").strip(),
                assigned_by=actor,
            )
        )
    created = CourseAssignment.objects.bulk_create(new, ignore_conflicts=True)
    mail.queue(organization, _assignment_mails(organization, course, created))
    audit_record(
        organization=organization,
        actor=actor,
        action="training.course_assigned_group",
        target=course,
        data={"team": team.name if team else None, "due_on": str(due_on), "assigned": len(created)},
    )
    return len(created)
