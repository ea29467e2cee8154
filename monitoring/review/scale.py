"""Scale data for the review queue's benchmark: `--review-items N` items (one in ten still waiting, the rest
resolved), spread over priorities, sources, networks and the generated members and their teams. Items are keyed
`url:scale-<n>`, so running again with the same number adds nothing."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from advocacy.core.scale import BATCH, option, scale_step
from advocacy.tenancy.models import Membership

from .models import ItemSignal, ReviewItem, Source

PREFIX = "url:scale-"
NETWORKS = ("mastodon", "bluesky", "linkedin", "x")
SOURCES = (Source.RULE, Source.REPORT, Source.SAMPLE, Source.VIRALITY, Source.SENTIMENT)
CATEGORIES = ("confidential", "harassment", "financial", "competitor", "profanity", "missing_disclosure")
TEXT = "Sharing a few thoughts on our quarter, the launch, and what the team is working on next. #work"


def _item(organization, i: int, people: list[tuple[int, int | None]], now) -> ReviewItem:
    active = i % 10 == 0
    user_id, team_id = people[i % len(people)] if people else (None, None)
    priority = 1 + (i // 10) % 4  # every priority among the waiting items as among the resolved
    created = now - timedelta(minutes=7 * i)
    return ReviewItem(
        organization=organization,
        target_key=f"{PREFIX}{i:07d}",
        url=f"https://social.example/@scale/{i}",
        member_id=user_id,
        team_id_at_flag=team_id,
        network=NETWORKS[i % len(NETWORKS)],
        snapshot={"text": TEXT, "url": f"https://social.example/@scale/{i}", "engagement": []},
        snapshot_text=TEXT,
        sources=[SOURCES[i % len(SOURCES)]],
        rule_categories=[CATEGORIES[i % len(CATEGORIES)]],
        priority=priority,
        priority_reasons=["Rule “Scale” matched “launch”"],
        score=1,
        due_at=created + timedelta(hours=(1, 4, 24, 72)[4 - priority]),
        state=ReviewItem.State.OPEN if active else ReviewItem.State.RESOLVED,
        outcome="" if active else ("violation" if i % 3 == 0 else "no_violation"),
        decided_at=None if active else created + timedelta(hours=1),
        created_at=created,
        updated_at=created,
    )


@scale_step(option("--review-items", type=int, default=0, help="review queue items (one in ten waiting)"))
def generate_items(organization, ctx):
    wanted = ctx.options.get("review_items") or 0
    if not wanted:
        return
    now = timezone.now()
    have = ReviewItem.objects.filter(organization=organization, target_key__startswith=PREFIX).count()
    people = list(
        Membership.objects.filter(organization=organization, is_active=True).values_list("user_id", "team_id")[:5000]
    )
    for start in range(have, wanted, BATCH):
        items = ReviewItem.objects.bulk_create(
            [_item(organization, i, people, now) for i in range(start, min(start + BATCH, wanted))]
        )
        ItemSignal.objects.bulk_create(
            [
                ItemSignal(
                    organization=organization,
                    item=item,
                    key="scale",
                    source=item.sources[0],
                    rule_category=item.rule_categories[0],
                    reason="Generated for the benchmark",
                    created_at=item.created_at,
                )
                for item in items
            ]
        )
    ctx.log(f"review queue: {max(0, wanted - have)} items created, {max(have, wanted)} in total")
