"""Training API: courses taken and assigned, the report, workshops and their .ics, check-ins, and the policies'
feedback rounds; the same permissions as the pages, and list query counts that do not grow."""

from datetime import timedelta

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy.tenancy.context import organization_scope
from policies import services
from policies.models import CourseAssignment, FeedbackAnswer
from tests.factories import MembershipFactory, TeamFactory
from tests.policies.url_kwargs import feedback_round

from .training_factories import assign, make_checkin, make_workshop, published_course

pytestmark = pytest.mark.django_db


def api(org, tail=""):
    return f"/api/v1/o/{org.slug}/policies/{tail}"


def test_employee_takes_a_course_through_the_api(org, employee, hr, client_for):
    course = published_course(org, actor=hr)
    assign(org, course, employee, actor=hr)
    client = client_for(employee)
    listing = client.get(api(org, "training/courses/")).json()
    assert [c["id"] for c in listing["results"]] == [course.pk]
    assert listing["results"][0]["current_version"]["lessons"][1]["kind"] == "case_study"
    for index in range(3):
        done = client.post(api(org, f"training/courses/{course.pk}/lessons/{index}/complete/"))
        assert done.status_code == 200
    result = client.post(
        api(org, f"training/courses/{course.pk}/quiz/"), {"answers": [1, 0]}, content_type="application/json"
    ).json()
    assert result["passed"] is True and result["completion_id"]
    mine = client.get(api(org, "training/assignments/")).json()["results"]
    assert mine[0]["completed"] is True
    completions = client.get(api(org, "training/completions/")).json()["results"]
    assert completions[0]["content_sha256"] == course.current_version.content_sha256


def test_hr_assigns_a_team_and_reads_the_report(org, hr, client_for):
    team = TeamFactory(organization=org)
    for _ in range(2):
        MembershipFactory(organization=org, team=team)
    course = published_course(org, actor=hr)
    client = client_for(hr)
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = client.post(
        api(org, f"training/courses/{course.pk}/assign/"),
        {"team": team.pk, "due_on": due},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json() == {"assigned": 2}
    report = client.get(api(org, f"training/courses/{course.pk}/report/")).json()
    assert report["assigned"] == 2 and report["completed"] == 0
    people = client.get(api(org, f"training/courses/{course.pk}/assignments/")).json()["results"]
    assert len(people) == 2


def test_employee_cannot_assign_and_nothing_changes(org, employee, other_org, client_for):
    course = published_course(org)
    client = client_for(employee)
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = client.post(
        api(org, f"training/courses/{course.pk}/assign/"), {"due_on": due}, content_type="application/json"
    )
    assert response.status_code == 403
    assert client.get(api(org, f"training/courses/{course.pk}/report/")).status_code == 403
    with organization_scope(org):
        assert not CourseAssignment.objects.filter(organization=org).exists()


def test_assigning_a_member_of_another_organization_is_refused(org, other_org, hr, client_for):
    course = published_course(org, actor=hr)
    stranger = MembershipFactory(organization=other_org).user
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = client_for(hr).post(
        api(org, f"training/courses/{course.pk}/assign/"),
        {"user": stranger.pk, "due_on": due},
        content_type="application/json",
    )
    assert response.status_code == 400
    with organization_scope(org):
        assert not CourseAssignment.objects.filter(organization=org).exists()


def test_workshop_registration_and_calendar_through_the_api(org, employee, client_for):
    workshop = make_workshop(org)
    client = client_for(employee)
    registered = client.post(api(org, f"training/workshops/{workshop.pk}/register/")).json()
    assert registered["registered"] is True and registered["seats_taken"] == 1
    ics = client.get(api(org, f"training/workshops/{workshop.pk}/calendar.ics"))
    (event,) = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == workshop.title


def test_checkin_answer_and_summary(org, employee, hr, client_for):
    checkin = make_checkin(org, actor=hr)
    client = client_for(employee)
    assert [c["id"] for c in client.get(api(org, "training/check-ins/")).json()["results"]] == [checkin.pk]
    bad = client.post(
        api(org, f"training/check-ins/{checkin.pk}/answer/"), {"answers": [9]}, content_type="application/json"
    )
    assert bad.status_code == 400
    ok = client.post(
        api(org, f"training/check-ins/{checkin.pk}/answer/"),
        {"answers": [4, "More examples"]},
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert client.get(api(org, f"training/check-ins/{checkin.pk}/summary/")).status_code == 403
    summary = client_for(hr).get(api(org, f"training/check-ins/{checkin.pk}/summary/")).json()
    assert summary["rounds"][0]["answers"] == 1 and summary["rounds"][0]["shown"] is False


def test_feedback_round_api_answers_and_summary(org, employee, hr, client_for):
    feedback = feedback_round(org)
    policy_id = feedback.policy_id
    client = client_for(employee)
    rounds = client.get(api(org, f"{policy_id}/feedback-rounds/")).json()["results"]
    assert [r["id"] for r in rounds] == [feedback.pk]
    bad = client.post(
        api(org, f"{policy_id}/feedback-rounds/{feedback.pk}/answer/"), {"rating": 9}, content_type="application/json"
    )
    assert bad.status_code == 400
    ok = client.post(
        api(org, f"{policy_id}/feedback-rounds/{feedback.pk}/answer/"),
        {"rating": 4, "comment": "Fine"},
        content_type="application/json",
    )
    assert ok.status_code == 200
    with organization_scope(org):
        assert FeedbackAnswer.objects.filter(organization=org, round=feedback).count() == 1
    assert client.get(api(org, f"{policy_id}/feedback-rounds/{feedback.pk}/summary/")).status_code == 403
    summary = client_for(hr).get(api(org, f"{policy_id}/feedback-rounds/{feedback.pk}/summary/")).json()
    assert summary == {"answers": 1, "shown": False, "average": None, "distribution": [], "comments": []}


def test_assignment_list_query_count_does_not_grow(org, hr, client_for):
    course = published_course(org, actor=hr)
    client = client_for(hr)
    path = api(org, f"training/courses/{course.pk}/assignments/")

    def count(extra):
        for _ in range(extra):
            assign(org, course, MembershipFactory(organization=org).user, actor=hr)
        client.get(path)  # the session and the membership's cached entries, as for any second request
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    assert count(2) == count(8)
    with organization_scope(org):
        assert services.training_run(organization=org)["overdue"] == 0
