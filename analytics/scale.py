"""Scale data for analytics: members' pulled posts and their engagement snapshots (what monitoring's pulls would
have stored, attributed to the generated shares, `--snapshots`), then the rollups of everything the earlier steps
generated (shares, clicks, posts, mentions, the review queue), written by the rollup service itself over the
retained quarter. Running it again with the same numbers adds nothing and writes no rollup row."""

import datetime

from django.db import connection
from django.utils import timezone

from advocacy.core.scale import option, scale_step
from advocacy.tenancy.context import organization_scope
from monitoring.models import ConnectedAccount, EngagementSnapshot, PullRun

from .selectors.zone import local_today, organization_zone
from .services import rollup_days

HISTORY_DAYS = 92
SNAPSHOTS_PER_POST = 10

# one Mastodon post per share (the newest shares first), as the intake stores them, with its counts
POSTS = """
INSERT INTO monitoring_post (organization_id, account_id, user_id, network, external_id, url, text, links, hashtags,
    posted_at, share_id, content_item_id, campaign_id, likes, reposts, replies, quotes, first_seen_at, last_seen_at,
    language, sentiment_compound, sentiment_state, sentiment_model, lexicon_version, rules_version)
SELECT s.organization_id, a.id, s.user_id, 'mastodon', 'scale-' || s.id, '', 'Worth a read', '{}', '{}',
    s.confirmed_at + interval '5 minutes', s.id, s.content_id, s.campaign_id, (s.id %% 17), (s.id %% 5), (s.id %% 3), 0,
    now(), now(), 'en', ((s.id %% 7) - 3) / 5.0, 'scored', 'scale', 1, 1
FROM content_library_share s JOIN monitoring_connectedaccount a
    ON a.organization_id = s.organization_id AND a.user_id = s.user_id AND a.network = 'mastodon'
WHERE s.organization_id = %(org)s AND s.status = 'confirmed'
    AND NOT EXISTS (SELECT 1 FROM monitoring_post p WHERE p.organization_id = s.organization_id
                    AND p.network = 'mastodon' AND p.external_id = 'scale-' || s.id)
ORDER BY s.confirmed_at DESC
LIMIT %(n)s
"""

# ten snapshots per post, one per pull run, growing to the post's counts
SNAPSHOTS = """
INSERT INTO monitoring_engagementsnapshot (organization_id, post_id, run_id, taken_at, day, keep_months, likes, reposts,
    replies, quotes)
SELECT p.organization_id, p.id, r.id, p.posted_at + (r.n || ' hours')::interval,
    (p.posted_at + (r.n || ' hours')::interval)::date, %(keep)s, p.likes * r.n / 10, p.reposts * r.n / 10,
    p.replies * r.n / 10, 0
FROM monitoring_post p
CROSS JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM monitoring_pullrun
            WHERE organization_id = %(org)s AND error = 'scale') r
WHERE p.organization_id = %(org)s AND p.external_id LIKE 'scale-%%'
    AND NOT EXISTS (SELECT 1 FROM monitoring_engagementsnapshot e WHERE e.organization_id = p.organization_id
                    AND e.post_id = p.id)
ON CONFLICT DO NOTHING
"""


def _accounts(organization) -> None:
    """A connected Mastodon account for every member who shared (followers for the reach estimate)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT user_id FROM content_library_share WHERE organization_id = %s AND status = 'confirmed'"
            " AND user_id NOT IN (SELECT user_id FROM monitoring_connectedaccount WHERE organization_id = %s)",
            [organization.pk, organization.pk],
        )
        users = [row[0] for row in cursor.fetchall()]
    ConnectedAccount.objects.bulk_create(
        [
            ConnectedAccount(
                organization=organization,
                user_id=user_id,
                network="mastodon",
                instance_url="https://social.example",
                handle=f"scale{user_id}@social.example",
                external_id=f"scale-{user_id}",
                followers_count=50 + user_id % 950,
                state=ConnectedAccount.State.CONNECTED,
            )
            for user_id in users
        ],
        batch_size=1000,
    )


def _runs(organization) -> None:
    have = PullRun.objects.filter(organization=organization, error="scale").count()
    PullRun.objects.bulk_create(
        [
            PullRun(
                organization=organization, error="scale", status=PullRun.Status.SUCCEEDED, started_at=timezone.now()
            )
            for _ in range(SNAPSHOTS_PER_POST - have)
        ]
    )


def generate_snapshots(organization, wanted: int) -> int:
    _accounts(organization)
    _runs(organization)
    have = EngagementSnapshot.objects.filter(organization=organization).count()
    posts = max(0, (wanted - have) // SNAPSHOTS_PER_POST)
    with connection.cursor() as cursor:
        cursor.execute(POSTS, {"org": organization.pk, "n": posts})
        cursor.execute(SNAPSHOTS, {"org": organization.pk, "keep": organization.click_retention_months})
        return cursor.rowcount


def _rollup(organization) -> int:
    today = local_today(organization_zone(organization))
    return rollup_days(
        organization=organization, days=[today - datetime.timedelta(days=n) for n in range(HISTORY_DAYS)]
    )


@scale_step(option("--snapshots", type=int, default=0, metavar="N", help="engagement snapshots of members' posts"))
def generate_rollups(organization, ctx):
    wanted = ctx.options.get("snapshots") or 0
    if wanted:
        ctx.log(f"analytics: {generate_snapshots(organization, wanted)} engagement snapshots added")
    written = _rollup(organization)
    for small in ctx.small_organizations:
        with organization_scope(small):
            _rollup(small)
    ctx.log(f"analytics: {written} rollup rows written over {HISTORY_DAYS} days")
