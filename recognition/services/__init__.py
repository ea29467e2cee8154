"""Every write of recognition, by entity: the points ledger, its rollups, reversals and restorations, the
settings and board preferences (ledger.py). Callers import from here: `from recognition import services`.

For the review queue: `points_reverse_for_source` and `points_restore_for_source` (documented in ledger.py)."""

from .ledger import (
    MAX_CLICKS,
    MAX_DAILY_CAP,
    MAX_POINTS,
    AwardResult,
    SourceResult,
    board_preference_set,
    day_of,
    leaderboards_switch,
    points_award,
    points_award_run,
    points_restore_for_source,
    points_reverse,
    points_reverse_for_source,
    recognition_settings_update,
    related_sources,
    rollups_rebuild,
)

__all__ = [
    "MAX_CLICKS",
    "MAX_DAILY_CAP",
    "MAX_POINTS",
    "AwardResult",
    "SourceResult",
    "board_preference_set",
    "day_of",
    "leaderboards_switch",
    "points_award",
    "points_award_run",
    "points_restore_for_source",
    "points_reverse",
    "points_reverse_for_source",
    "recognition_settings_update",
    "related_sources",
    "rollups_rebuild",
]
