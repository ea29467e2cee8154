"""generate_scale_data's training step at a tiny size: the bench course assigned to every member, the chosen
share completed (with its completion record) and overdue, topping up; and the report's query count does not
grow between two sizes of it."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership, Organization
from policies import selectors
from policies.models import CourseAssignment, CourseCompletion
from policies.training_scale import BENCH_TITLE, bench_course_setup
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _report_queries(client, acme, course_id) -> int:
    path = f"/o/{acme.slug}/policies/training/admin/courses/{course_id}/report/"
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_course_assignments_and_completions_at_two_sizes(client):
    options = {"employees": 20, "course_done_percent": 60, "course_overdue_percent": 15}
    call_command("generate_scale_data", stdout=io.StringIO(), **options)
    call_command("generate_scale_data", stdout=io.StringIO(), **options)  # tops up: adds nothing
    acme = Organization.objects.get(slug="acme")
    with organization_scope(acme):
        members = Membership.objects.filter(organization=acme, is_active=True).count()
        course_id = bench_course_setup(acme)["course_id"]
        assignments = CourseAssignment.objects.filter(organization=acme, course__title=BENCH_TITLE)
        assert assignments.count() == members
        completed = assignments.filter(completion__isnull=False).count()
        assert completed == CourseCompletion.objects.filter(organization=acme, course_id=course_id).count() > 0
        summary = selectors.course_report_summary(
            organization=acme, course=selectors.get_course_for_org(acme, course_id)
        )
        assert summary["totals"]["assigned"] == members and summary["totals"]["completed"] == completed
    hr = MembershipFactory(organization=acme, roles=[Role.HR]).user
    client.force_login(hr)
    small = _report_queries(client, acme, course_id)
    call_command("generate_scale_data", stdout=io.StringIO(), **{**options, "employees": 120})
    assert _report_queries(client, acme, course_id) == small
