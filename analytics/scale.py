"""Scale data for analytics: the rollups of what the earlier steps generated (shares, clicks, pulled posts,
mentions), written by the rollup service itself over the retained quarter; running it again writes nothing."""

import datetime

from advocacy.core.scale import scale_step
from advocacy.tenancy.context import organization_scope

from .selectors.zone import local_today, organization_zone
from .services import rollup_days

HISTORY_DAYS = 92


def _rollup(organization) -> int:
    today = local_today(organization_zone(organization))
    return rollup_days(
        organization=organization, days=[today - datetime.timedelta(days=n) for n in range(HISTORY_DAYS)]
    )


@scale_step()
def generate_rollups(organization, ctx):
    written = _rollup(organization)
    for small in ctx.small_organizations:
        with organization_scope(small):
            _rollup(small)
    ctx.log(f"analytics: {written} rollup rows written over {HISTORY_DAYS} days")
