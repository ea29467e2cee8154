"""What analytics caches (see advocacy.core.cache): the dashboard's figures, series and breakdowns per
organization and filters. Stale on any write to the rollups (the rollup runs write only what changed, so a quiet
minute keeps the cache warm), the analytics settings (CPM, CPC), memberships and teams (participation, names),
content items' titles and schedule and campaigns' names, the recognition board preferences (top sharers) and a
person's name. The lifetime is a backstop for what time alone changes (an item going live)."""

from advocacy.core.cache import Cached, On, request_prefetch
from advocacy.tenancy.caching import organizations_of_person

_ORG = ("organization_id",)

dashboard_cache = Cached(
    "analytics.dashboard",
    scope=("organization",),
    ttl=600,
    on=[
        On("analytics.ActivityDaily", scope=_ORG),
        On("analytics.MentionDaily", scope=_ORG),
        On("analytics.ModerationDaily", scope=_ORG),
        On("analytics.AnalyticsSettings", scope=_ORG),
        On("tenancy.Membership", scope=_ORG),
        On("tenancy.Team", scope=_ORG),
        On(
            "content_library.ContentItem",
            scope=_ORG,
            fields={"title", "status", "publish_at", "expires_at", "audience_team_ids", "campaign", "campaign_id"},
        ),
        On("content_library.Campaign", scope=_ORG, fields={"name"}),
        On("recognition.BoardPreference", scope=_ORG),
        On("accounts.User", scope=organizations_of_person, fields={"full_name", "email"}),
    ],
)


@request_prefetch
def request_keys(request, organization, user_id: int, subpath: str) -> list[str]:
    """On the organization's home page (subpath ""), the dashboard's headline (selectors.home_headline), fetched
    with the membership in the page's one round trip (for everyone: a member who may not see it reads nothing
    more)."""
    return dashboard_cache.keys((organization.pk,), "home-headline") if subpath == "" else []
