"""Bench data for policies: a published social-media policy version in the organization and an
acknowledgement by most of its members (bulk SQL, tops up), plus the setup of the report's bench target."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from advocacy.core.scale import option, scale_step
from advocacy.tenancy.models import Membership, Team

from .markup import render_markdown, sha256_of
from .models import Policy, PolicyVersion

BENCH_TITLE = "Bench social media policy"
BODY = "# Purpose\n\nShare responsibly.\n\n# Disclosure\n\nSay that you work here when you post about our products.\n"

ACK_SQL = """
INSERT INTO policies_acknowledgement
    (organization_id, policy_id, version_id, anchor_id, user_id, user_email, user_name, content_sha256,
     acknowledged_at, ip_address, user_agent, cycle)
SELECT m.organization_id, %s, %s, %s, m.user_id, u.email, u.full_name, %s, now(), NULL, 'bench', 0
FROM "{memberships}" m JOIN "{users}" u ON u.id = m.user_id
WHERE m.organization_id = %s AND m.is_active AND (m.id %% 100) < %s
ON CONFLICT (organization_id, version_id, user_id, cycle) DO NOTHING
"""


def bench_version(organization) -> PolicyVersion:
    """The bench policy's published version, created once."""
    policy, _ = Policy.objects.get_or_create(
        organization=organization,
        title=BENCH_TITLE,
        defaults={"kind": "social_media", "summary": "For the benchmark."},
    )
    if policy.current_version_id:
        return policy.current_version
    html = render_markdown(BODY)
    version = PolicyVersion.objects.create(
        organization=organization,
        policy=policy,
        number=1,
        title=BENCH_TITLE,
        body_markdown=BODY,
        body_html=html,
        content_sha256=sha256_of(html),
        change_kind="material",
        published_at=timezone.now(),
        due_on=timezone.localdate(),
    )
    PolicyVersion.objects.filter(pk=version.pk).update(status=PolicyVersion.Status.PUBLISHED, ack_anchor=version)
    policy.current_version = version
    policy.save(update_fields=["current_version", "updated_at"])
    return version


@scale_step(
    option(
        "--policy-ack-percent",
        type=int,
        default=80,
        metavar="P",
        help="percent of members who acknowledged the bench policy (policies report benchmark)",
    ),
)
def generate_policy_acknowledgements(organization, ctx) -> None:
    percent = max(0, min(100, ctx.options.get("policy_ack_percent", 80)))
    version = bench_version(organization)
    sql = ACK_SQL.format(memberships=Membership._meta.db_table, users=get_user_model()._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [version.policy_id, version.pk, version.pk, version.content_sha256, organization.pk, percent],
        )
        created = cursor.rowcount
    ctx.log(f"{organization.slug}: {created} policy acknowledgements added ({percent}% of members)")


def bench_policy(organization) -> dict:
    """Setup of the bench targets: the version to report on and a team to filter by."""
    version = bench_version(organization)
    team = Team.objects.filter(organization=organization).order_by("pk").first()
    return {"policy_id": version.policy_id, "version_id": version.pk, "team_id": team.pk if team else ""}
