"""Recognition's models: the points ledger and its rollups (ledger.py); badges, kudos, rewards and stories
(social.py)."""

from .ledger import (
    DEFAULT_CLICKS_PER_SHARE_PER_DAY,
    DEFAULT_DAILY_CAP,
    DEFAULT_POINTS,
    EARNING_REASONS,
    ENGAGEMENT_THRESHOLD,
    AwardState,
    BoardPreference,
    PointsDaily,
    PointsEntry,
    PointsTotal,
    Reason,
    RecognitionSettings,
)
from .social import Badge, BadgeAward, Kudos, KudosReport, Redemption, Reward, Story

__all__ = [
    "DEFAULT_CLICKS_PER_SHARE_PER_DAY",
    "DEFAULT_DAILY_CAP",
    "DEFAULT_POINTS",
    "EARNING_REASONS",
    "ENGAGEMENT_THRESHOLD",
    "AwardState",
    "Badge",
    "BadgeAward",
    "BoardPreference",
    "Kudos",
    "KudosReport",
    "PointsDaily",
    "PointsEntry",
    "PointsTotal",
    "Reason",
    "RecognitionSettings",
    "Redemption",
    "Reward",
    "Story",
]
