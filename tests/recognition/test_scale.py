"""The scale step: a history of ledger entries topped up to the number asked (never twice), spread over the
members, and the rollups rebuilt from the whole ledger agree with it."""

import pytest
from django.db.models import Count, Sum

from advocacy.core.scale import ScaleContext
from advocacy.tenancy.context import organization_scope
from recognition.models import PointsDaily, PointsEntry, PointsTotal
from recognition.scale import SCALE_KIND, generate_points
from tests.recognition.factories import member

pytestmark = pytest.mark.django_db


def test_history_tops_up_and_rollups_agree(org):
    for _ in range(4):
        member(org)
    logged = []
    ctx = ScaleContext(options={"ledger_entries": 40}, password_hash="", log=logged.append)
    with organization_scope(org):
        generate_points(org, ctx)
        count = PointsEntry.objects.filter(source_kind=SCALE_KIND).count()
        assert count >= 40
        generate_points(org, ctx)
        assert PointsEntry.objects.filter(source_kind=SCALE_KIND).count() == count
        ledger = PointsEntry.objects.aggregate(n=Sum("points"))["n"]
        assert PointsTotal.objects.aggregate(n=Sum("points"))["n"] == ledger
        assert PointsDaily.objects.aggregate(n=Sum("points"))["n"] == ledger
        assert len(set(PointsEntry.objects.values_list("user_id", flat=True))) > 1
    assert any("rebuilt from it in" in line for line in logged)
    # members join, and a larger history is asked for: only what is missing is added
    for _ in range(2):
        member(org)
    with organization_scope(org):
        generate_points(org, ScaleContext(options={"ledger_entries": 120}, password_hash="", log=logged.append))
        per_member = PointsEntry.objects.filter(source_kind=SCALE_KIND).values("user_id").annotate(n=Count("pk"))
        assert {row["n"] for row in per_member} == {20}
        assert (
            PointsTotal.objects.aggregate(n=Sum("points"))["n"] == PointsEntry.objects.aggregate(n=Sum("points"))["n"]
        )
