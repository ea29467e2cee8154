"""The pages the benchmark loads, each compared with the baseline view measured in the same run.

Add a page by appending a Target to TARGETS:

    Target(
        name="policy_ack_report",
        path="/o/{org}/policies/{policy_id}/acknowledgements/",
        user="hr@{org}.example",
        min_ratio=0.15,
        setup="policies.scale.bench_policy",  # (organization) -> {"policy_id": ...}
    )

- `path` and `user` are format strings; `{org}` is the organization's slug and `setup` (a dotted
  path to a function called inside `organization_scope(organization)` against the bench database,
  after the data of that size exists) may return more fields for them.
- `user` is the email of the person signed in for the load (None: anonymous, e.g. a public redirect).
- `min_ratio`: the page's throughput divided by the baseline's must reach it at the large size
  (None: reported only).
- `same_queries_at`: the data sizes ("small", "large") whose SQL query counts must be equal.
- `expect_status`: the answer the page must give (e.g. 302 for a redirect); checked before loading.
- `click_check`: for a tracked link, how many distinct browsers bench/clicks.py sends (each twice, with
  crawlers in between) before the load; the clicks stored after the flush must equal that number.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    user: str | None = None
    min_ratio: float | None = None
    same_queries_at: tuple[str, ...] = ("small", "large")
    setup: str | None = None
    expect_status: int = 200
    organization: str = "acme"
    click_check: int = 0


# Measured like the pages, as a signed-in employee: the same session and middleware work, no view work.
BASELINE = Target(name="baseline", path="/bench/baseline", user="employee@{org}.example", same_queries_at=())

TARGETS: list[Target] = [
    # Issue 2: the organization home page as an admin (who also sees the member statistics).
    Target(name="org_home", path="/o/{org}/", user="admin@{org}.example", min_ratio=0.25),
    # Reported only: the first page of the members list (50 of 10,000).
    Target(name="members_list", path="/o/{org}/members/", user="admin@{org}.example"),
    # Issue 3: the acknowledgement report of a policy version, filtered to one team, first page of people.
    Target(
        name="policy_ack_report",
        path="/o/{org}/policies/{policy_id}/versions/{version_id}/report/?team={team_id}",
        user="hr@{org}.example",
        min_ratio=0.15,
        setup="policies.scale.bench_policy",
    ),
    # Issue 4: the employee content feed (20 items with hashtags and share counts; counts are denormalized).
    Target(name="content_feed", path="/o/{org}/content/", user="employee@{org}.example", min_ratio=0.20),
    # Issue 4: the public tracked-link redirect (no session; one Redis round trip on a cache hit), with the
    # click-loss check: every countable click sent is stored after the flush.
    Target(
        name="tracked_link",
        path="/l/{code}",
        user=None,
        min_ratio=0.60,
        same_queries_at=(),
        setup="content_library.scale.bench_link",
        expect_status=302,
        click_check=2000,
    ),
]

# Each issue's own targets join TARGETS when their module is imported; importing them here means every reader
# of TARGETS (run.py, probe.py, report.py) sees all of them
from bench import (  # noqa: E402,F401 - imported for their effect on TARGETS
    targets_analytics,
    targets_recognition,
    targets_review,
    targets_training,
)
