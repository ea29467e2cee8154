"""Every write of recognition, by entity: the points ledger, its rollups, reversals and restorations, the
settings and board preferences (ledger.py); badges, kudos, rewards and stories (one file each). Callers import
from here: `from recognition import services`.

For the review queue: `points_reverse_for_source` and `points_restore_for_source` (documented in ledger.py)."""

from .badges import (
    BUILT_IN,
    RULES_FOR_ADMINS,
    badge_award_by_hand,
    badge_create,
    badge_notices_seen,
    badges_announce_in_digest,
    badges_ensure_built_in,
    badges_evaluate,
)
from .kudos import KUDOS_PER_DAY, kudos_give, kudos_left_today, kudos_report, kudos_resolve
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
from .rewards import (
    points_left,
    redemption_approve,
    redemption_decline,
    redemption_request,
    reward_save,
)
from .stories import milestone_announce, story_decide, story_submit, story_to_content

__all__ = [
    "BUILT_IN",
    "KUDOS_PER_DAY",
    "RULES_FOR_ADMINS",
    "badge_award_by_hand",
    "badge_create",
    "badge_notices_seen",
    "badges_announce_in_digest",
    "badges_ensure_built_in",
    "badges_evaluate",
    "kudos_give",
    "kudos_left_today",
    "kudos_report",
    "kudos_resolve",
    "milestone_announce",
    "points_left",
    "redemption_approve",
    "redemption_decline",
    "redemption_request",
    "reward_save",
    "story_decide",
    "story_submit",
    "story_to_content",
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
