"""Training pages: an employee takes a course, HR writes, assigns and follows it, workshops and their
calendar files, check-ins; permissions, form errors and query counts at two sizes."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership
from policies import services
from policies.models import Course, CourseAssignment, CourseCompletion, Workshop, WorkshopRegistration
from tests.factories import MembershipFactory, TeamFactory

from .training_factories import LESSONS, QUIZ, assign, make_checkin, make_workshop, published_course

pytestmark = pytest.mark.django_db


def base(org):
    return f"/o/{org.slug}/policies/training"


def test_employee_takes_a_course_resumes_and_passes(org, employee, hr, client_for):
    course = published_course(org, actor=hr)
    assign(org, course, employee, actor=hr)
    client = client_for(employee)
    home = client.get(f"{base(org)}/")
    assert home.status_code == 200 and course.title in home.content.decode()
    page = client.get(f"{base(org)}/courses/{course.pk}/")
    assert "Start the course" in page.content.decode()
    response = client.post(f"{base(org)}/courses/{course.pk}/lessons/0/")
    assert response.status_code == 302 and response["Location"].endswith("/lessons/1/")
    page = client.get(f"{base(org)}/courses/{course.pk}/")
    assert "Resume where you stopped" in page.content.decode() and "/lessons/1/" in page.content.decode()
    client.post(f"{base(org)}/courses/{course.pk}/lessons/1/")
    response = client.post(f"{base(org)}/courses/{course.pk}/lessons/2/")
    assert response["Location"].endswith("/quiz/")
    failed = client.post(f"{base(org)}/courses/{course.pk}/quiz/", {"q0": "0", "q1": "1"})
    assert (
        "Try again" in failed.content.decode()
        and "people must know you speak as an employee." in failed.content.decode()
    )
    passed = client.post(f"{base(org)}/courses/{course.pk}/quiz/", {"q0": "1", "q1": "0"})
    assert "You passed with 100%" in passed.content.decode()
    record = client.get(f"{base(org)}/courses/{course.pk}/record/")
    assert course.current_version.content_sha256 in record.content.decode()


def test_unanswered_questions_are_an_error_and_record_nothing(org, employee, client_for):
    course = published_course(org)
    client = client_for(employee)
    for index in range(3):
        client.post(f"{base(org)}/courses/{course.pk}/lessons/{index}/")
    response = client.post(f"{base(org)}/courses/{course.pk}/quiz/", {"q0": "1"})
    assert response.status_code == 400 and "Answer every question" in response.content.decode()
    with organization_scope(org):
        assert not CourseCompletion.objects.filter(organization=org).exists()


def test_hr_creates_a_course_with_every_error_shown_at_once(org, hr, client_for):
    client = client_for(hr)
    response = client.post(
        f"{base(org)}/admin/courses/new/",
        {"title": "", "new_member_due_days": "14", "lessons_markdown": "no title first", "quiz_source": "Q: x\n- a"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in html and "start the first lesson with a title line" in html
    assert "needs at least two choices" in html and "no title first" in html  # what was typed is kept
    with organization_scope(org):
        assert not Course.objects.filter(organization=org).exists()
    response = client.post(
        f"{base(org)}/admin/courses/new/",
        {
            "title": "Posting safely",
            "new_member_due_days": "14",
            "lessons_markdown": LESSONS,
            "quiz_source": QUIZ,
            "pass_mark": "80",
        },
    )
    assert response.status_code == 302
    with organization_scope(org):
        course = Course.objects.get(organization=org)
    publish = client.post(
        f"{base(org)}/admin/courses/{course.pk}/content/",
        {"lessons_markdown": LESSONS, "quiz_source": QUIZ, "pass_mark": "80", "action": "publish"},
    )
    assert publish.status_code == 302
    with organization_scope(org):
        assert Course.objects.get(pk=course.pk).current_version.number == 1


def test_hr_assigns_to_a_team_and_reads_the_report_and_csv(org, hr, client_for):
    team = TeamFactory(organization=org, name="Sales")
    people = [MembershipFactory(organization=org, team=team).user for _ in range(3)]
    course = published_course(org, actor=hr)
    client = client_for(hr)
    bad = client.post(f"{base(org)}/admin/courses/{course.pk}/assign/", {"who": "team", "due_on": ""})
    assert bad.status_code == 400 and "Choose the team." in bad.content.decode()
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    ok = client.post(f"{base(org)}/admin/courses/{course.pk}/assign/", {"who": "team", "team": team.pk, "due_on": due})
    assert ok.status_code == 302
    report = client.get(f"{base(org)}/admin/courses/{course.pk}/report/")
    assert report.status_code == 200 and "Sales" in report.content.decode()
    csv = b"".join(client.get(f"{base(org)}/admin/courses/{course.pk}/report.csv").streaming_content).decode()
    assert csv.splitlines()[0].startswith("Name,Email,Team") and all(p.email in csv for p in people)
    remind = client.post(f"{base(org)}/admin/courses/{course.pk}/remind/", {"team": team.pk})
    assert remind.status_code == 302


def test_employee_may_not_manage_training_and_nothing_changes(org, employee, client_for):
    course = published_course(org)
    client = client_for(employee)
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    assert (
        client.post(f"{base(org)}/admin/courses/{course.pk}/assign/", {"who": "everyone", "due_on": due}).status_code
        == 403
    )
    assert client.post(f"{base(org)}/admin/courses/{course.pk}/archive/").status_code == 403
    assert client.get(f"{base(org)}/admin/courses/{course.pk}/report/").status_code == 403
    with organization_scope(org):
        assert not CourseAssignment.objects.filter(organization=org).exists()
        assert Course.objects.get(pk=course.pk).status == Course.Status.ACTIVE


def _bulk_members(org, team, count, start):
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(email=f"trainee{i:05d}@example.com", full_name=f"Trainee {i:05d}") for i in range(start, start + count)]
    )
    with organization_scope(org):
        Membership.objects.bulk_create(
            [Membership(organization=org, user=u, roles=[Role.EMPLOYEE], team=team) for u in users]
        )
    return users


def test_report_page_query_count_does_not_grow_with_members(org, hr, client_for):
    team = TeamFactory(organization=org, name="Field")
    course = published_course(org, actor=hr, quiz="")
    client = client_for(hr)
    path = f"{base(org)}/admin/courses/{course.pk}/report/?status=overdue"

    def grow(count, start):
        users = _bulk_members(org, team, count, start)
        with organization_scope(org):
            services.course_assign_group(
                organization=org, actor=hr, course=course, due_on=timezone.localdate() + timedelta(days=3)
            )
            CourseAssignment.objects.filter(organization=org, user__in=users[::2]).update(
                due_on=timezone.localdate() - timedelta(days=1)
            )

    def count_queries():
        client.get(path)  # the summary is cached after the first view, as in production
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    grow(10, 0)
    small = count_queries()
    grow(300, 10)
    assert count_queries() == small


def test_workshop_register_and_calendar_file_parses_back(org, employee, hr, client_for):
    workshop = make_workshop(org, actor=hr, capacity=1)
    client = client_for(employee)
    response = client.post(f"{base(org)}/workshops/{workshop.pk}/register/")
    assert response.status_code == 302
    ics = client.get(f"{base(org)}/workshops/{workshop.pk}/calendar.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(ics.content)
    (event,) = calendar.walk("VEVENT")
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Paris"
    assert event.decoded("dtstart").utcoffset() is not None
    assert event.decoded("dtstart") == workshop.starts_at
    assert int(event["SEQUENCE"]) == 0
    uid = str(event["UID"])
    # a change bumps SEQUENCE, keeps the UID
    with organization_scope(org):
        services.workshop_update(
            organization=org,
            actor=hr,
            workshop=workshop,
            title=workshop.title,
            local_start=workshop.starts_at.astimezone(ZoneInfo("Europe/Paris")).replace(tzinfo=None)
            + timedelta(hours=1),
            time_zone="Europe/Paris",
            duration_minutes=90,
            location="Room 5",
            capacity=1,
        )
    feed = icalendar.Calendar.from_ical(client.get(f"{base(org)}/calendar.ics").content)
    (event,) = feed.walk("VEVENT")
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1 and str(event["LOCATION"]) == "Room 5"
    # full: the next person cannot register
    other = MembershipFactory(organization=org).user
    client_for(other).post(f"{base(org)}/workshops/{workshop.pk}/register/")
    with organization_scope(org):
        assert WorkshopRegistration.objects.filter(organization=org, workshop=workshop).count() == 1


def test_workshop_form_shows_every_error_at_once(org, hr, client_for):
    response = client_for(hr).post(
        f"{base(org)}/admin/workshops/new/",
        {"title": "", "starts_at": "", "time_zone": "Europe/Paris", "duration_minutes": "5", "video_url": "http://x"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Say where it happens" in html and "This field is required." in html
    with organization_scope(org):
        assert not Workshop.objects.filter(organization=org).exists()


def test_attendance_completes_the_tied_course(org, employee, hr):
    course = published_course(org, actor=hr)
    workshop = make_workshop(org, actor=hr, course=course)
    with organization_scope(org):
        services.workshop_register(organization=org, actor=employee, workshop=workshop)
        Workshop.objects.filter(pk=workshop.pk).update(starts_at=timezone.now() - timedelta(hours=1))
        workshop.refresh_from_db()
        result = services.workshop_attendance_record(
            organization=org, actor=hr, workshop=workshop, attended_user_ids=[employee.pk]
        )
        assert result["completed"] == 1
        assert CourseCompletion.objects.get(organization=org, user=employee).via == "workshop"


def test_checkin_answers_are_summarized_only_for_five_people(org, hr, client_for):
    checkin = make_checkin(org, actor=hr)
    people = [MembershipFactory(organization=org).user for _ in range(5)]
    for number, person in enumerate(people[:4], start=1):
        client_for(person).post(f"{base(org)}/check-ins/{checkin.pk}/", {"a0": str(number), "a1": f"idea {number}"})
    page = client_for(hr).get(f"{base(org)}/admin/check-ins/{checkin.pk}/").content.decode()
    assert "4 answers" in page and "idea 1" not in page
    client_for(people[4]).post(f"{base(org)}/check-ins/{checkin.pk}/", {"a0": "5", "a1": ""})
    page = client_for(hr).get(f"{base(org)}/admin/check-ins/{checkin.pk}/").content.decode()
    assert "5 answers" in page and "idea 1" in page and people[0].email not in page
    again = client_for(people[0]).post(f"{base(org)}/check-ins/{checkin.pk}/", {"a0": "1"})
    assert again.status_code == 400 and "already answered" in again.content.decode()


def test_workshop_times_show_in_the_workshop_time_zone(org, employee, hr, client_for):
    workshop = make_workshop(org, actor=hr)  # 10:00 in Paris
    client = client_for(employee)
    assert ", 10:00" in client.get(f"{base(org)}/workshops/{workshop.pk}/").content.decode()
    assert ", 10:00" in client.get(f"{base(org)}/").content.decode()


def test_employee_may_not_schedule_workshops_or_check_ins_and_nothing_changes(org, employee, hr, client_for):
    workshop = make_workshop(org, actor=hr)
    checkin = make_checkin(org, actor=hr)
    client = client_for(employee)
    assert client.post(f"{base(org)}/admin/workshops/{workshop.pk}/cancel/").status_code == 403
    assert (
        client.post(f"{base(org)}/admin/workshops/{workshop.pk}/attendance/", {"attended": [employee.pk]}).status_code
        == 403
    )
    assert client.post(f"{base(org)}/admin/check-ins/{checkin.pk}/stop/").status_code == 403
    assert client.get(f"{base(org)}/admin/check-ins/{checkin.pk}/").status_code == 403
    assert client.post(f"{base(org)}/admin/workshops/new/", {"title": "Mine"}).status_code == 403
    with organization_scope(org):
        assert Workshop.objects.get(pk=workshop.pk).status == Workshop.Status.SCHEDULED
        assert Workshop.objects.filter(organization=org).count() == 1
        from policies.models import CheckIn

        assert CheckIn.objects.get(pk=checkin.pk).is_active
