"""Issue #12's bench target: the review queue's first page, read by a moderator, with 1,000 items at the small
size and 100,000 (10,000 waiting) at the large one (monitoring.review.scale.generate_items). Importing this
module adds the target to bench.targets.TARGETS; `review_scale_options(size, quick)` are the options run.py passes
to generate_scale_data for that size."""

from bench.targets import TARGETS, Target

REVIEW_ITEMS = {"small": 1_000, "large": 100_000}

REVIEW_QUEUE = Target(
    name="review_queue",
    path="/o/{org}/monitoring/queue/",
    user="moderator@{org}.example",
    min_ratio=0.15,
)

if REVIEW_QUEUE not in TARGETS:
    TARGETS.append(REVIEW_QUEUE)


def review_scale_options(size: str, quick: bool) -> list[str]:
    items = REVIEW_ITEMS[size] // (10 if quick else 1)
    return [f"--review-items={items}"]
