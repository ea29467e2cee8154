"""Courses, workshops and check-ins made the way the application makes them: through the services."""

from datetime import datetime, timedelta

from django.utils import timezone

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from policies import services
from policies.models import Course
from tests.factories import MembershipFactory, UserFactory

LESSONS = """# Why it matters

What you post reaches **customers** and colleagues.

# Case study: the leaked roadmap

An engineer posted a whiteboard photo. It cost a launch. Check the background before you post.

# Disclose

Say that you work here when you post about our products.
"""

QUIZ = """Q: A friend asks you to post about our new product. What do you add?
- Nothing
* That you work here
Why: people must know you speak as an employee.

Q: You see a whiteboard behind you in a selfie. Would you post it?
* No, not before checking what is on it
- Yes, nobody reads whiteboards
Why: roadmaps leak this way.
"""


def trainer_of(org):
    return MembershipFactory(organization=org, user=UserFactory(), roles=[Role.HR, Role.EMPLOYEE]).user


def make_course(org, *, actor=None, title="Social media at work", lessons=LESSONS, quiz=QUIZ, pass_mark=50, **kwargs):
    actor = actor or trainer_of(org)
    with organization_scope(org):
        return services.course_create(
            organization=org,
            actor=actor,
            title=title,
            summary="Five minutes on posting safely.",
            lessons_markdown=lessons,
            quiz_source=quiz,
            pass_mark=pass_mark if quiz else None,
            **kwargs,
        )


def published_course(org, *, actor=None, **kwargs):
    actor = actor or trainer_of(org)
    course = make_course(org, actor=actor, **kwargs)
    with organization_scope(org):
        services.course_publish(organization=org, actor=actor, course=course)
        return Course.objects.select_related("current_version").get(organization=org, pk=course.pk)


def assign(org, course, user, *, days=7, actor=None):
    with organization_scope(org):
        return services.course_assign(
            organization=org,
            actor=actor or trainer_of(org),
            course=course,
            user=user,
            due_on=timezone.localdate() + timedelta(days=days),
            reason="",
        )


def make_workshop(org, *, actor=None, days=5, **kwargs):
    actor = actor or trainer_of(org)
    start = (timezone.now() + timedelta(days=days)).astimezone(timezone.get_current_timezone())
    values = {
        "title": "Your personal brand on LinkedIn",
        "local_start": datetime(start.year, start.month, start.day, 10, 0),
        "time_zone": "Europe/Paris",
        "duration_minutes": 60,
        "location": "Room 4",
        **kwargs,
    }
    with organization_scope(org):
        return services.workshop_create(organization=org, actor=actor, **values)


def make_checkin(org, *, actor=None, **kwargs):
    actor = actor or trainer_of(org)
    values = {
        "title": "How is sharing going?",
        "questions": [
            {"text": "Do you feel safe posting about work?", "kind": "scale"},
            {"text": "What would help?", "kind": "text"},
        ],
        "starts_on": timezone.localdate(),
        **kwargs,
    }
    with organization_scope(org):
        return services.checkin_create(organization=org, actor=actor, **values)
