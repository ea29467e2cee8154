"""Scale data for recognition: the points ledger and its rollups for what the earlier steps generated
(shares, suggestions, acknowledgements), written by the awarding run itself; running it again adds nothing."""

from advocacy.core.scale import scale_step
from advocacy.tenancy.context import organization_scope

from .services import points_award_run


@scale_step()
def generate_points(organization, ctx):
    result = points_award_run(organization=organization)
    for small in ctx.small_organizations:
        with organization_scope(small):
            points_award_run(organization=small)
    ctx.log(f"recognition: {result.awarded} ledger entries awarded ({result.points} points)")
