"""Training in a real browser (issue #15): a new member's onboarding checklist leads to a course with scenario
questions, which they fail once and then pass; they register for a workshop and download its calendar file;
HR creates a course (every error at once first), publishes it, assigns it to a team and reads the completion
report. Desktop and 390 px phone. Screenshots: tests/screenshots/training-*.png."""

from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from tests.factories import MembershipFactory, TeamFactory
from tests.policies.training_factories import LESSONS, QUIZ, make_workshop, published_course

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
WIDE = "() => document.documentElement.scrollWidth > window.innerWidth"


def test_employee_takes_a_course_and_signs_up_for_a_workshop(org, hr, employee, sign_in, screenshot):
    course = published_course(org, actor=hr, assign_new_members=True)
    workshop = make_workshop(org, actor=hr, course=course, capacity=12)
    page = sign_in(employee)
    page.goto(f"{page.base}/o/{org.slug}/")
    checklist = page.locator("[data-onboarding]")
    checklist.get_by_text("Getting started").wait_for()
    screenshot(page, "training-onboarding-home")
    checklist.get_by_role("link", name="Complete the starter course").click()
    page.get_by_role("link", name="Start the course").click()
    page.get_by_role("heading", name="Why it matters").wait_for()
    page.get_by_role("button", name="Done: next lesson").click()
    page.get_by_role("heading", name="Case study: the leaked roadmap").wait_for()
    screenshot(page, "training-lesson-case-study")
    # stop here and come back: the course resumes at the lesson after the last one done
    page.goto(f"{page.base}/o/{org.slug}/policies/training/courses/{course.pk}/")
    page.get_by_role("link", name="Resume where you stopped").click()
    page.get_by_role("heading", name="Case study: the leaked roadmap").wait_for()
    page.get_by_role("button", name="Done: next lesson").click()
    page.get_by_role("button", name="Done: on to the questions").click()

    page.get_by_role("heading", name="Would you post this?").wait_for()
    page.get_by_label("Nothing").check()
    page.get_by_label("Yes, nobody reads whiteboards").check()
    page.get_by_role("button", name="Check my answers").click()
    page.get_by_text("the pass mark is 50%").wait_for()
    assert page.get_by_text("people must know you speak as an employee.").is_visible()
    screenshot(page, "training-quiz-failed")
    page.get_by_label("That you work here").check()
    page.get_by_label("No, not before checking what is on it").check()
    page.get_by_role("button", name="Try again").click()
    page.get_by_text("You passed with 100%").wait_for()
    screenshot(page, "training-quiz-passed")
    page.get_by_role("link", name="See your completion record").click()
    page.get_by_role("heading", name="Certificate of completion").wait_for()
    screenshot(page, "training-certificate")

    page.goto(f"{page.base}/o/{org.slug}/policies/training/")
    page.get_by_role("link", name=workshop.title).click()
    page.get_by_role("button", name="Register").click()
    page.get_by_text("You are registered.").first.wait_for()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    calendar = icalendar.Calendar.from_ical(open(download_info.value.path(), "rb").read())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == workshop.title and event.decoded("dtstart") == workshop.starts_at
    screenshot(page, "training-workshop-registered")

    phone = sign_in(employee, viewport=PHONE)
    phone.goto(f"{phone.base}/o/{org.slug}/policies/training/")
    phone.get_by_role("heading", name="Training", exact=True).wait_for()
    assert not phone.evaluate(WIDE), "the training page scrolls sideways at 390 px"
    screenshot(phone, "training-home-phone")
    phone.goto(f"{phone.base}/o/{org.slug}/policies/training/courses/{course.pk}/lessons/1/")
    assert not phone.evaluate(WIDE), "a lesson scrolls sideways at 390 px"
    screenshot(phone, "training-lesson-phone")


def test_hr_creates_assigns_and_reads_the_completion_report(org, hr, sign_in, screenshot):
    team = TeamFactory(organization=org, name="Field sales")
    for _ in range(3):
        MembershipFactory(organization=org, team=team)
    page = sign_in(hr)
    page.goto(f"{page.base}/o/{org.slug}/policies/training/admin/")
    page.get_by_role("link", name="New course").click()
    page.fill("#id_lessons_markdown", "This text has no lesson title.")
    page.get_by_role("button", name="Create the course").click()
    page.get_by_text("Please correct the fields marked below.").wait_for()
    assert page.get_by_text("start the first lesson with a title line").is_visible()
    assert page.get_by_text("This field is required.").first.is_visible()
    screenshot(page, "training-course-errors")

    page.fill("#id_title", "Refresher: posting about work")
    page.fill("#id_recur_months", "12")
    page.fill("#id_lessons_markdown", LESSONS)
    page.fill("#id_quiz_source", QUIZ)
    page.fill("#id_pass_mark", "80")
    page.get_by_role("button", name="Create the course").click()
    page.get_by_text("Course created.").wait_for()
    page.get_by_role("button", name="Save and publish").click()
    page.get_by_text("Published v1.").wait_for()

    assign = page.locator("#assign")
    assign.get_by_label("A team").check()
    assign.locator("#id_team").select_option(label="Field sales")
    assign.locator("#id_due_on").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    assign.get_by_role("button", name="Assign").click()
    page.get_by_text("Assigned to 3 people").wait_for()
    screenshot(page, "training-course-manage")

    page.get_by_role("link", name="Completion report").click()
    page.get_by_role("heading", name="By team").wait_for()
    assert page.get_by_role("link", name="Field sales").is_visible()
    screenshot(page, "training-report-desktop")
    page.get_by_role("button", name="Send reminder").click()
    page.get_by_text("Reminder sent to 3 people").wait_for()

    phone = sign_in(hr, viewport=PHONE)
    phone.goto(page.url)
    phone.get_by_role("heading", name="By team").wait_for()
    assert not phone.evaluate(WIDE), "the report scrolls sideways at 390 px"
    screenshot(phone, "training-report-phone")
