"""Scale data for recognition: the points ledger and its rollups for what the earlier steps generated
(shares, suggestions, acknowledgements), written by the awarding run itself; then, with --ledger-entries, a
year of earlier activity spread over the organization's members (source kind "scale.activity", so it is
never mistaken for a real source), written in one INSERT ... SELECT, and every rollup rebuilt from the whole
ledger with the time it took logged (the figure docs and the closing note quote). Running again with the same
numbers adds nothing."""

import time

from django.conf import settings
from django.db import connection

from advocacy.core.scale import option, scale_step
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership

from .models import PointsEntry
from .services import points_award_run, rollups_rebuild

SCALE_KIND = "scale.activity"
REASONS = ["share_confirmed", "share_clicks", "policy_on_time", "kudos_received", "suggestion_approved"]
POINTS = [10, 3, 5, 5, 25]

HISTORY = """
INSERT INTO recognition_pointsentry (organization_id, user_id, kind, generation, reason, source_kind, source_id,
    points, occurred_at, day, note, recorded_at)
SELECT %(org)s, m.user_id, 'award', 0, (%(reasons)s::text[])[1 + (g %% 5)], %(kind)s, m.n * 100000 + g,
    (%(points)s::int[])[1 + (g %% 5)], t.at, (t.at AT TIME ZONE %(tz)s)::date, '', now()
FROM (SELECT user_id, row_number() OVER (ORDER BY user_id) AS n FROM tenancy_membership
      WHERE organization_id = %(org)s AND is_active) AS m
CROSS JOIN generate_series(%(start)s, %(stop)s) AS g
CROSS JOIN LATERAL (SELECT date_trunc('day', now())
    - ((g * 7919 + m.n * 104729) %% 525600) * interval '1 minute' AS at) AS t
WHERE m.n <= %(members)s
ON CONFLICT DO NOTHING
"""


def _history(organization, wanted: int, ctx) -> int:
    """Top the scale history up to `wanted` entries, spread evenly over the active members (a member's n-th
    entry is the same row in every run, so a top-up after members joined adds only what is missing)."""
    have = PointsEntry.objects.filter(organization=organization, source_kind=SCALE_KIND).count()
    members = Membership.objects.filter(organization=organization, is_active=True).count()
    if wanted <= have or not members:
        return 0
    per_member = -(-wanted // members)  # ceiling: every member gets the same number of entries
    with connection.cursor() as cursor:
        cursor.execute(
            HISTORY,
            {
                "org": organization.pk,
                "reasons": REASONS,
                "points": POINTS,
                "kind": SCALE_KIND,
                "tz": settings.TIME_ZONE,
                "start": 1,  # what a member has already is skipped (the ledger's unique key)
                "stop": per_member,
                "members": members,
            },
        )
        return cursor.rowcount


@scale_step(
    option(
        "--ledger-entries",
        type=int,
        default=0,
        metavar="N",
        help="points ledger entries of earlier activity in the organization (spread over its members)",
    )
)
def generate_points(organization, ctx):
    result = points_award_run(organization=organization)
    for small in ctx.small_organizations:
        with organization_scope(small):
            points_award_run(organization=small)
    ctx.log(f"recognition: {result.awarded} ledger entries awarded ({result.points} points)")
    wanted = ctx.options.get("ledger_entries") or 0
    if not wanted:
        return
    added = _history(organization, wanted, ctx)
    started = time.monotonic()
    members = rollups_rebuild(organization=organization)
    seconds = time.monotonic() - started
    total = PointsEntry.objects.filter(organization=organization).count()
    ctx.log(
        f"recognition: {added} history entries added, {total} in the ledger; every rollup rebuilt from it "
        f"in {seconds:.1f} s ({members} members with points)"
    )
