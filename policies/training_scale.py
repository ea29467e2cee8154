"""Bench data for training (issue #15): a published bench course assigned to every active member, most of them
having completed it and some overdue (bulk SQL, tops up), and the setup of the completion report's bench
target."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from advocacy.core.scale import option, scale_step
from advocacy.tenancy.models import Membership

from .models import Course, CourseVersion
from .services.courses import frozen_content

BENCH_TITLE = "Bench course: posting about work"
LESSONS = "# Why it matters\n\nPost with care.\n\n# Case study: the whiteboard\n\nCheck the background.\n"

# members are picked by (id x 37) mod 100: spread over any run of consecutive ids (plain id mod 100 can put
# twenty new members all above the cut)
COMPLETIONS_SQL = """
INSERT INTO policies_coursecompletion
    (organization_id, course_id, version_id, user_id, user_email, user_name, content_sha256, cycle, via, score,
     completed_at)
SELECT m.organization_id, %s, %s, m.user_id, u.email, u.full_name, %s, 0, 'course', 100, now()
FROM "{memberships}" m JOIN "{users}" u ON u.id = m.user_id
WHERE m.organization_id = %s AND m.is_active AND ((m.id * 37) %% 100) < %s
ON CONFLICT (organization_id, version_id, user_id, cycle) DO NOTHING
"""

ASSIGNMENTS_SQL = """
INSERT INTO policies_courseassignment
    (organization_id, course_id, user_id, cycle, due_on, source, reason, assigned_at, completion_id, completed_at)
SELECT m.organization_id, %s, m.user_id, 0,
       CASE WHEN ((m.id * 37) %% 100) >= 100 - %s THEN %s::date ELSE %s::date END,
       'everyone', '', now(), c.id, c.completed_at
FROM "{memberships}" m
LEFT JOIN policies_coursecompletion c
    ON c.organization_id = m.organization_id AND c.version_id = %s AND c.user_id = m.user_id AND c.cycle = 0
WHERE m.organization_id = %s AND m.is_active
ON CONFLICT (organization_id, course_id, user_id, cycle) DO NOTHING
"""


def bench_course(organization) -> Course:
    """The bench course, published once."""
    course, _ = Course.objects.get_or_create(
        organization=organization, title=BENCH_TITLE, defaults={"summary": "For the benchmark."}
    )
    if course.current_version_id:
        return course
    version = CourseVersion(organization=organization, course=course, title=BENCH_TITLE, lessons_markdown=LESSONS)
    version.lessons, version.content_sha256 = frozen_content(version)
    version.number, version.status, version.published_at = 1, CourseVersion.Status.PUBLISHED, timezone.now()
    version.save()
    course.current_version = version
    course.save(update_fields=["current_version", "updated_at"])
    return course


@scale_step(
    option(
        "--course-done-percent",
        type=int,
        default=60,
        metavar="P",
        help="percent of members who completed the bench course (training completion report benchmark)",
    ),
    option(
        "--course-overdue-percent",
        type=int,
        default=15,
        metavar="P",
        help="percent of members whose bench course assignment is overdue",
    ),
)
def generate_course_completions(organization, ctx) -> None:
    done = max(0, min(100, ctx.options.get("course_done_percent", 60)))
    overdue = max(0, min(100 - done, ctx.options.get("course_overdue_percent", 15)))
    course = bench_course(organization)
    version = course.current_version
    tables = {"memberships": Membership._meta.db_table, "users": get_user_model()._meta.db_table}
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            COMPLETIONS_SQL.format(**tables), [course.pk, version.pk, version.content_sha256, organization.pk, done]
        )
        completed = cursor.rowcount
        cursor.execute(
            ASSIGNMENTS_SQL.format(**tables),
            [course.pk, overdue, today - timedelta(days=5), today + timedelta(days=20), version.pk, organization.pk],
        )
        assigned = cursor.rowcount
    ctx.log(f"{organization.slug}: {assigned} course assignments and {completed} completions added")


def bench_course_setup(organization) -> dict:
    """Setup of the completion report's bench target: the course to report on."""
    return {"course_id": bench_course(organization).pk}
