"""Courses: writing, publishing (frozen with its hash), assigning, taking (progress, resume, quiz), the
append-only completion, refreshers, and reminders sent once per due date."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from advocacy.audit.models import AuditEvent
from advocacy.core.models import OutgoingMail
from advocacy.tenancy.context import organization_scope
from policies import selectors, services
from policies.markup import parse_lessons, parse_quiz
from policies.models import CourseAssignment, CourseCompletion, CourseVersion
from tests.factories import MembershipFactory, TeamFactory
from tests.policies.training_factories import LESSONS, QUIZ, assign, published_course, trainer_of

pytestmark = pytest.mark.django_db


def test_lessons_split_on_titles_and_case_studies_are_marked():
    lessons = parse_lessons(LESSONS)
    assert [lesson.title for lesson in lessons] == ["Why it matters", "Case study: the leaked roadmap", "Disclose"]
    assert [lesson.kind for lesson in lessons] == ["lesson", "case_study", "lesson"]
    assert "<strong>customers</strong>" in lessons[0].html


def test_lessons_are_cleaned_by_nh3():
    (lesson,) = parse_lessons("# Hello\n\n<script>alert(1)</script> [x](javascript:alert(1)) text")
    assert "<script" not in lesson.html and "javascript:" not in lesson.html


def test_every_lesson_and_quiz_problem_is_reported_at_once():
    errors = services.content_errors(lessons_markdown="text before\n# Empty\n", quiz_source="Q: x\n- a", pass_mark=None)
    assert set(errors) == {"lessons_markdown", "quiz_source", "pass_mark"}


def test_quiz_keeps_the_reason_behind_each_answer():
    questions = parse_quiz(QUIZ)
    assert questions[0].why == "people must know you speak as an employee."
    assert questions[1].correct == 0


def test_create_reports_all_field_errors_and_saves_nothing(org):
    actor = trainer_of(org)
    with organization_scope(org), pytest.raises(ValidationError) as exc:
        services.course_create(
            organization=org, actor=actor, title="", recur_months=99, lessons_markdown="oops", quiz_source=""
        )
    assert {"title", "recur_months", "lessons_markdown"} <= set(exc.value.message_dict)
    with organization_scope(org):
        assert not CourseVersion.objects.filter(organization=org).exists()


def test_publish_freezes_lessons_with_their_hash_and_numbers_versions(org):
    actor = trainer_of(org)
    course = published_course(org, actor=actor)
    version = course.current_version
    assert version.number == 1 and len(version.lessons) == 3 and len(version.content_sha256) == 64
    with organization_scope(org):
        services.course_draft_save(
            organization=org,
            actor=actor,
            course=course,
            lessons_markdown=LESSONS + "\n# One more\n\nText.\n",
            quiz_source=QUIZ,
            pass_mark=50,
        )
        second = services.course_publish(organization=org, actor=actor, course=course)
        version.refresh_from_db()
    assert second.number == 2 and second.content_sha256 != version.content_sha256
    assert version.status == CourseVersion.Status.SUPERSEDED


def test_taking_a_course_saves_progress_and_a_pass_records_an_immutable_completion(org, employee):
    course = published_course(org)
    assign(org, course, employee)
    with organization_scope(org):
        services.lesson_complete(organization=org, actor=employee, course=course, index=0)
        progress = selectors.progress_of(organization=org, user=employee, version=course.current_version)
        assert progress.lessons_done == [0] and progress.last_lesson == 1  # resume at the second lesson
        with pytest.raises(ValidationError):  # the questions come after every lesson
            services.course_quiz_submit(organization=org, actor=employee, course=course, answers=[1, 0])
        for index in (1, 2):
            services.lesson_complete(organization=org, actor=employee, course=course, index=index)
        failed = services.course_quiz_submit(organization=org, actor=employee, course=course, answers=[0, 1])
        assert not failed.passed and failed.completion is None
        passed = services.course_quiz_submit(organization=org, actor=employee, course=course, answers=[1, 0])
        assert passed.passed and passed.attempt.score == 100
        completion = passed.completion
        assert completion.content_sha256 == course.current_version.content_sha256
        assignment = CourseAssignment.objects.get(organization=org, course=course, user=employee)
        assert assignment.completion_id == completion.pk
        with pytest.raises(DatabaseError), transaction.atomic():
            CourseCompletion.objects.filter(pk=completion.pk).update(score=1)
        with pytest.raises(DatabaseError), transaction.atomic():
            CourseCompletion.objects.filter(pk=completion.pk).delete()


def test_a_course_without_quiz_completes_with_its_last_lesson(org, employee):
    course = published_course(org, quiz="")
    with organization_scope(org):
        for index in range(3):
            services.lesson_complete(organization=org, actor=employee, course=course, index=index)
        assert selectors.completion_of(organization=org, user=employee, course=course) is not None


def test_assign_checks_the_due_date_and_membership(org, other_org, employee):
    course = published_course(org)
    stranger = MembershipFactory(organization=other_org).user
    with organization_scope(org), pytest.raises(ValidationError) as exc:
        services.course_assign(
            organization=org,
            actor=trainer_of(org),
            course=course,
            user=stranger,
            due_on=timezone.localdate() - timedelta(days=1),
            reason="",
        )
    assert "due_on" in exc.value.message_dict and "__all__" in exc.value.message_dict
    with organization_scope(org):
        assert not CourseAssignment.objects.filter(organization=org).exists()


def test_assign_twice_keeps_one_open_assignment_and_a_retake_after_completion(org, employee):
    course = published_course(org, quiz="")
    first = assign(org, course, employee, days=10)
    again = assign(org, course, employee, days=3)
    assert again.pk == first.pk and again.due_on == timezone.localdate() + timedelta(days=3)
    with organization_scope(org):
        for index in range(3):
            services.lesson_complete(organization=org, actor=employee, course=course, index=index)
    retake = assign(org, course, employee)
    assert retake.pk != first.pk and retake.cycle == 1
    with organization_scope(org):
        assert AuditEvent.objects.filter(organization=org, action="training.course_assigned").count() == 2


def test_group_assignment_skips_people_done_or_working_on_it(org, employee):
    team = TeamFactory(organization=org)
    members = [MembershipFactory(organization=org, team=team).user for _ in range(3)]
    course = published_course(org)
    assign(org, course, members[0])
    with organization_scope(org):
        count = services.course_assign_group(
            organization=org,
            actor=trainer_of(org),
            course=course,
            due_on=timezone.localdate() + timedelta(days=7),
            team=team,
        )
        assert count == 2
        assert CourseAssignment.objects.filter(organization=org, course=course).count() == 3


def test_reminders_go_once_per_due_date_and_again_for_a_new_one(org, employee):
    course = published_course(org)
    assignment = assign(org, course, employee)
    with organization_scope(org):
        CourseAssignment.objects.filter(pk=assignment.pk).update(due_on=timezone.localdate() - timedelta(days=1))
        before = OutgoingMail.objects.filter(organization=org, kind="training").count()
        first = services.training_run(organization=org)
        second = services.training_run(organization=org)
        assert first["overdue"] == 1 and second["overdue"] == 0
        assert OutgoingMail.objects.filter(organization=org, kind="training").count() == before + 1
        CourseAssignment.objects.filter(pk=assignment.pk).update(due_on=timezone.localdate() - timedelta(days=2))
        assert services.training_run(organization=org)["overdue"] == 1


def test_new_members_get_the_onboarding_course_and_refreshers_come_back(org):
    course = published_course(org, assign_new_members=True, recur_months=12, quiz="")
    newcomer = MembershipFactory(organization=org).user
    with organization_scope(org):
        assert services.training_run(organization=org)["new_members"] >= 1
        assignment = CourseAssignment.objects.get(organization=org, course=course, user=newcomer)
        assert assignment.source == CourseAssignment.Source.NEW_MEMBER
        for index in range(3):
            services.lesson_complete(organization=org, actor=newcomer, course=course, index=index)
        completion = CourseCompletion.objects.get(organization=org, user=newcomer)
        assert completion.valid_until is not None
        later = timezone.localdate() + timedelta(days=400)
        # the completion is valid a year: nothing to do before then
        assert services.training_run(organization=org)["refreshers"] == 0
    # a year later (the completion row is immutable, so the clock moves instead)
    from unittest import mock

    with (
        organization_scope(org),
        mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=400)),
    ):
        counts = services.training_run(organization=org, today=later)
        assert counts["refreshers"] == 1
        assert (
            CourseAssignment.objects.get(organization=org, course=course, user=newcomer, cycle=1).source == "refresher"
        )


def test_completion_report_counts_by_team(org):
    team = TeamFactory(organization=org)
    course = published_course(org, quiz="")
    people = [MembershipFactory(organization=org, team=team).user for _ in range(4)]
    for person in people:
        assign(org, course, person)
    with organization_scope(org):
        CourseAssignment.objects.filter(organization=org, user=people[0]).update(
            due_on=timezone.localdate() - timedelta(days=1)
        )
        for index in range(3):
            services.lesson_complete(organization=org, actor=people[1], course=course, index=index)
        summary = selectors.course_report_summary(organization=org, course=course)
    assert summary["totals"] == {
        "assigned": 4,
        "completed": 1,
        "overdue": 1,
        "in_progress": 2,
        "percent": 25,
    }
    assert summary["teams"][0]["team"] == team.name and summary["teams"][0]["overdue"] == 1
    with organization_scope(org):
        overdue = list(selectors.course_report_people(organization=org, course=course, status="overdue"))
    assert [row[1] for row in overdue] == [people[0].email]


def test_review_interval_comes_from_the_policy_then_the_organization(org, hr, client_for):
    from policies.selectors.reviews import review_interval_months
    from tests.policies.factories import make_policy

    policy = make_policy(org, actor=hr)
    assert review_interval_months(organization=org, policy=policy) == 12
    response = client_for(hr).post(
        f"/o/{org.slug}/policies/settings/",
        {"reminder_days": 7, "review_months": 6, "onboarding_steps": ["policies", "course"]},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert review_interval_months(organization=org, policy=policy) == 6
    policy.review_months = 3
    assert review_interval_months(organization=org, policy=policy) == 3
    from policies.selectors.onboarding import onboarding_steps

    assert onboarding_steps(org) == ["policies", "course"]


def test_a_new_member_sees_the_onboarding_checklist_until_it_is_done(org, employee, client_for):
    course = published_course(org, assign_new_members=True, quiz="")
    client = client_for(employee)
    home = client.get(f"/o/{org.slug}/").content.decode()
    assert "Getting started" in home and "Complete the starter course" in home
    with organization_scope(org):
        for index in range(3):
            services.lesson_complete(organization=org, actor=employee, course=course, index=index)
    home = client.get(f"/o/{org.slug}/").content.decode()
    assert '<s class="muted">Complete the starter course</s>' in home


def test_a_course_required_before_sharing_gates_the_member_until_completed(org, hr, employee):
    course = published_course(org, actor=hr, quiz="")
    with organization_scope(org):
        assert selectors.member_may_share(organization=org, user=employee).allowed
        services.course_require_for_sharing(organization=org, actor=hr, course=course, required=True)
        gate = selectors.member_may_share(organization=org, user=employee)
        assert not gate.allowed and course.title in gate.reason and gate.url.endswith(f"/courses/{course.pk}/")
        assert AuditEvent.objects.filter(organization=org, action="training.share_gate_set").exists()
        for index in range(3):
            services.lesson_complete(organization=org, actor=employee, course=course, index=index)
        assert selectors.member_may_share(organization=org, user=employee).allowed
