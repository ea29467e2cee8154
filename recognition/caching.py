"""What recognition caches (see advocacy.core.cache): a leaderboard's ranking (per organization, period, day
and team), stale on any write to the rollups, the board preferences, the settings, the memberships and teams,
or a person's name. The lifetime is a backstop: the awarding task's rollup writes invalidate it."""

from advocacy.core.cache import Cached, On
from advocacy.tenancy.caching import organizations_of_person

_ON = [
    On("recognition.PointsDaily", scope=("organization_id",)),
    On("recognition.PointsTotal", scope=("organization_id",)),
    On("recognition.BoardPreference", scope=("organization_id",)),
    On("recognition.RecognitionSettings", scope=("organization_id",)),
    On("tenancy.Membership", scope=("organization_id",)),  # leaving, joining or changing team
    On("tenancy.Team", scope=("organization_id",)),
    On("accounts.User", scope=organizations_of_person, fields={"full_name", "email"}),
]

board_cache = Cached("recognition.board", scope=("organization",), ttl=900, on=_ON)
