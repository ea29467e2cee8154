"""What policies caches (see advocacy.core.cache): the onboarding banner's "what must I still acknowledge"
list (per member) and the acknowledgement report (per version), stale on any write to the policies
tables, the organization's memberships and teams, its settings, or a person's name or address; the
lifetime covers what time alone changes (an acknowledgement whose refresh period runs out)."""

from advocacy.core.cache import Cached, On, request_prefetch
from advocacy.tenancy.context import user_scope
from advocacy.tenancy.models import Membership

_POLICY_MODELS = (
    "Policy",
    "PolicyTeam",
    "PolicyVersion",
    "VersionReview",
    "QuizAttempt",
    "Acknowledgement",
    "ReminderLog",
    "PolicyQuestion",
)


def _organizations_of(person):
    """A person's name or address shows in the reports of their organizations."""
    with user_scope(person):  # row-level security shows a person's own memberships in every organization
        ids = Membership.objects.unscoped().filter(user_id=person.pk).values_list("organization_id", flat=True)
        return [(organization_id,) for organization_id in ids]


_ON = [
    *(On(f"policies.{model}", scope=("organization_id",)) for model in _POLICY_MODELS),
    On("tenancy.Membership", scope=("organization_id",)),  # a member changing team changes which policies are theirs
    On("tenancy.Team", scope=("organization_id",)),  # team names and the team list show in the report
    On("tenancy.Organization", scope=("id",)),  # the sharing gate and refresh periods live on it
    On("accounts.User", scope=_organizations_of, fields={"full_name", "email"}),
]

pending_cache = Cached("policies.pending", scope=("organization",), ttl=300, on=_ON)
REPORT_TTL = 600
# the report's rendered by-team card and team choices, kept with the summary they were rendered from
report_fragments = Cached("policies.report-fragment", scope=("organization",), ttl=REPORT_TTL, on=_ON)
report_cache = Cached("policies.report", scope=("organization",), ttl=REPORT_TTL, on=_ON)


@request_prefetch
def request_keys(request, organization, user_id: int, subpath: str) -> list[str]:
    """On the organization's home page (subpath ""), the member's onboarding banner."""
    if subpath == "":
        return pending_cache.keys((organization.pk,), user_id)
    return []
