"""What policies caches (see advocacy.core.cache): the onboarding banner's "what must I still acknowledge"
list (per member) and the acknowledgement report (per version), stale on any write to the policies
tables, the organization's memberships and teams, its settings, or a person's name or address; the
lifetime covers what time alone changes (an acknowledgement whose refresh period runs out)."""

import re

from advocacy.core.cache import Cached, On, request_prefetch
from advocacy.tenancy.caching import organizations_of_person

_POLICY_MODELS = (
    "Policy",
    "PolicyTeam",
    "PolicyVersion",
    "VersionReview",
    "QuizAttempt",
    "Acknowledgement",
    "ReminderLog",
    "PolicyQuestion",
    "FeedbackRound",
    "FeedbackAnswer",
)


_ON = [
    *(On(f"policies.{model}", scope=("organization_id",)) for model in _POLICY_MODELS),
    On("tenancy.Membership", scope=("organization_id",)),  # a member changing team changes which policies are theirs
    On("tenancy.Team", scope=("organization_id",)),  # team names and the team list show in the report
    On("tenancy.Organization", scope=("id",)),  # the sharing gate and refresh periods live on it
    On("accounts.User", scope=organizations_of_person, fields={"full_name", "email"}),
]

_TRAINING_MODELS = (
    "Course",
    "CourseVersion",
    "CourseAssignment",
    "CourseProgress",
    "CourseQuizAttempt",
    "CourseCompletion",
    "Workshop",
    "WorkshopRegistration",
    "CheckIn",
    "CheckInResponse",
)
_TRAINING_ON = [On(f"policies.{model}", scope=("organization_id",)) for model in _TRAINING_MODELS]

# the home page's banners: policies to acknowledge, rounds to answer, the onboarding checklist (training too)
pending_cache = Cached("policies.pending", scope=("organization",), ttl=300, on=[*_ON, *_TRAINING_ON])
REPORT_TTL = 600
# the report's rendered by-team card, team choices and pages of people, kept with the summary they were
# rendered from
report_fragments = Cached("policies.report-fragment", scope=("organization",), ttl=REPORT_TTL, on=_ON)
report_cache = Cached("policies.report", scope=("organization",), ttl=REPORT_TTL, on=_ON)


REPORT_PATH = re.compile(r"policies/\d+/versions/(?P<version_id>\d+)/report/")


def report_summary_keys(organization_id: int, version_id: int) -> list[str]:
    """The report summary's entry (selectors.report_summary reads it under these parts)."""
    return report_cache.keys((organization_id,), "summary", version_id)


@request_prefetch
def request_keys(request, organization, user_id: int, subpath: str) -> list[str]:
    """On the organization's home page (subpath ""), the member's onboarding banner (acknowledgements to give,
    feedback rounds to answer); on a version's acknowledgement report, its summary."""
    if subpath == "":
        scope = (organization.pk,)
        return [
            *pending_cache.keys(scope, user_id),
            *pending_cache.keys(scope, user_id, "rounds"),
            *onboarding_cache.keys(scope, user_id),
        ]
    report = REPORT_PATH.fullmatch(subpath)
    if report and len(report["version_id"]) < 12:
        return report_summary_keys(organization.pk, int(report["version_id"]))
    return []


# a course's completion report summary (counts overall and by team), per course and day
training_report_cache = Cached(
    "policies.training-report",
    scope=("organization",),
    ttl=REPORT_TTL,
    on=[*_TRAINING_ON, *_ON[len(_POLICY_MODELS) :]],
)

# a new member's onboarding checklist (policies, the starter course, a connected account, a first share), per member
onboarding_cache = Cached(
    "policies.onboarding",
    scope=("organization",),
    ttl=300,
    on=[
        *_ON,
        *_TRAINING_ON,
        On("content_library.Share", scope=("organization_id",)),
        On("monitoring.ConnectedAccount", scope=("organization_id",)),
    ],
)
